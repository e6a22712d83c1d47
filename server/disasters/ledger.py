"""A disaster's ledger (灾情台账): every community's report, one row each, as XLSX (openpyxl's write-only mode: rows
stream out, the header frozen) or CSV (UTF-8 with a BOM, so that Excel reads the Chinese), headers in Chinese."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.disasters.models import FIGURES, REPORT_KINDS, Disaster, DisasterReport
from server.people.models import User

HEADERS = [
    "灾害过程",
    "社区",
    "报表类型",
    "填报时间",
    *(f"{zh}（{unit}）" for zh, _en, unit, _least in FIGURES.values()),
    "变化原因说明",
    "初报超时",
    "填报人",
]


def rows(disaster: Disaster, scope) -> list[list]:
    found = db.session.execute(
        select(DisasterReport, Area.name, User.name)
        .join(Area, Area.id == DisasterReport.community_id)
        .join(User, User.id == DisasterReport.reporter_id)
        .where(DisasterReport.disaster_id == disaster.id, scope)
        .order_by(Area.name, DisasterReport.received_at)
    ).all()
    return [
        [
            disaster.name,
            community,
            REPORT_KINDS[report.kind][0],
            report.received_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            *(getattr(report, name) for name in FIGURES),
            report.explanation,
            "是" if report.late else "否",
            reporter,
        ]
        for report, community, reporter in found
    ]


def xlsx(disaster: Disaster, scope) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("灾情台账")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows(disaster, scope):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(disaster: Disaster, scope) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(disaster, scope))
    return out.getvalue().encode("utf-8-sig")
