"""A disaster's ledger (灾情台账): every community's report, one row each, written as the other ledgers are
(`core.sheets`: Chinese headers, a frozen header row, widths, times as Shanghai's date cells, numbers as numbers),
as XLSX or CSV. A disaster's reports are a few hundred rows at most, so the file is made in the request."""

import io

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.sheets import INTEGER, NUMBER, TIME, Column, csv_rows, write_xlsx
from server.disasters.models import FIGURES, REPORT_KINDS, Disaster, DisasterReport
from server.people.models import User

TITLE = "灾情台账"
COLUMNS = (
    Column("灾害过程", 20),
    Column("社区", 16),
    Column("报表类型", 10),
    Column("填报时间", 18, TIME),
    *(
        Column(f"{zh}（{unit}）", max(12, len(zh) * 2 + 6), NUMBER if name == "direct_loss" else INTEGER)
        for name, (zh, _en, unit, _least) in FIGURES.items()
    ),
    Column("变化原因说明", 30),
    Column("初报超时", 10),
    Column("填报人", 10),
)


def rows(disaster: Disaster, scope) -> list[tuple]:
    found = db.session.execute(
        select(DisasterReport, Area.name, User.name)
        .join(Area, Area.id == DisasterReport.community_id)
        .join(User, User.id == DisasterReport.reporter_id)
        .where(DisasterReport.disaster_id == disaster.id, scope)
        .order_by(Area.name, DisasterReport.received_at)
    ).all()
    return [
        (
            disaster.name,
            community,
            REPORT_KINDS[report.kind][0],
            report.received_at,
            *(getattr(report, name) for name in FIGURES),
            report.explanation,
            "是" if report.late else "否",
            reporter,
        )
        for report, community, reporter in found
    ]


def xlsx(disaster: Disaster, scope) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, TITLE, COLUMNS, [rows(disaster, scope)])
    return out.getvalue()


def csv_bytes(disaster: Disaster, scope) -> bytes:
    out = io.StringIO()
    csv_rows(out, COLUMNS, [rows(disaster, scope)])
    return out.getvalue().encode("utf-8-sig")
