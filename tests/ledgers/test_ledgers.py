"""Ledgers (台账): the downloaded file, opened with openpyxl, is the database row for row; within the caller's scope;
CSV with a BOM; a large one a job whose progress shows and which ends in the inbox with the download."""

import csv
import io
import json
import uuid
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from server.core.db import db
from server.core.i18n import SHANGHAI
from server.hazards.models import Hazard, HazardDocument
from server.ledgers import services
from server.ledgers.models import LedgerExport
from server.ledgers.sheets import HAZARD_COLUMNS, LEDGERS
from server.notifications.models import Notification
from tests.conftest import uid
from tests.hazards.test_loop import act, later, report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(caller, kind, fmt="xlsx", **query):
    return caller.post(f"/api/v1/ledgers/{kind}", json={"format": fmt}, query_string=query)


def sheet_of(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book.worksheets[0]


def shanghai(value: datetime | None):
    return None if value is None else value.astimezone(SHANGHAI).replace(tzinfo=None)


def whole_loop(station, enterprise, world):
    hazard = report(station, world)
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    act(enterprise, hazard["id"], "submit_rectification", description="已清理杂物", photo_ids=[uid()])
    assert act(station, hazard["id"], "close", result="复查合格").json["state"] == "closed"
    return hazard


def test_the_hazard_ledger_is_the_database_row_for_row_within_the_street(app, login_as, world):
    station, other = login_as("station_officer"), login_as("station_officer_b")
    closed = whole_loop(station, login_as("enterprise_user"), world)
    waiting = report(station, world, level="major", description="燃气管道锈蚀")
    elsewhere = report(other, world, site_id=str(world["mall_site"]))

    resp = export(station, "hazards")
    assert resp.status_code == 200, resp.json
    assert resp.mimetype == XLSX and "attachment" in resp.headers["Content-Disposition"]
    sheet = sheet_of(resp.data)
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [column.header for column in HAZARD_COLUMNS]
    assert sheet.column_dimensions["A"].width == HAZARD_COLUMNS[0].width
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {closed["id"], waiting["id"]}  # the other street's is not there
    assert elsewhere["id"] not in by_id

    header = [column.header for column in HAZARD_COLUMNS]
    with app.app_context():
        ids = [uuid.UUID(closed["id"]), uuid.UUID(waiting["id"])]
        for hazard in db.session.scalars(select(Hazard).where(Hazard.id.in_(ids))):
            row = dict(zip(header, by_id[str(hazard.id)], strict=True))
            assert row["上报时间"] == shanghai(hazard.received_at).replace(microsecond=row["上报时间"].microsecond)
            assert abs((row["上报时间"] - shanghai(hazard.received_at)).total_seconds()) < 0.001
            assert row["受理时间"] == _ms(shanghai(hazard.acknowledged_at), row["受理时间"])
            assert row["销号时间"] == _ms(shanghai(hazard.closed_at), row["销号时间"])
            assert row["整改期限"] == _ms(shanghai(hazard.deadline), row["整改期限"])
            assert row["纬度"] == hazard.latitude and isinstance(row["纬度"], float)  # a number, not text
            assert row["街道"] == "民族街道" and row["场所"] == "测试农贸市场"
            if hazard.state == "closed":
                notice = db.session.scalar(
                    select(HazardDocument.number).where(
                        HazardDocument.hazard_id == hazard.id, HazardDocument.kind == "rectification_notice"
                    )
                )
                assert row["整改通知书编号"] == notice and notice
                assert row["状态"] == "已销号"
                assert row["整改完成时间"] is not None and row["复查时间"] is not None
                assert row["整改完成时间"] <= row["复查时间"]
            else:
                assert row["等级"] == "重大隐患" and row["状态"] == "待受理"
                assert row["受理时间"] is None and row["整改通知书编号"] is None


def _ms(expected, got):
    """openpyxl reads Excel's times back to the millisecond: compare at that precision."""
    if expected is None:
        return None
    assert got is not None and abs((got - expected).total_seconds()) < 0.001
    return got


def test_the_ledger_takes_the_lists_filters(login_as, world):
    supervisor, station = login_as("supervisor"), login_as("station_officer")
    major = report(station, world, level="major")
    report(station, world)
    resp = export(supervisor, "hazards", level="major")
    ids = [row[0] for row in list(sheet_of(resp.data).iter_rows(values_only=True))[1:]]
    listed = [h["id"] for h in supervisor.get("/api/v1/hazards", query_string={"level": "major"}).json]
    assert ids == listed and major["id"] in ids
    bad = export(supervisor, "hazards", level="huge")
    assert bad.status_code == 422 and "level" in bad.json["errors"]["query"]


def test_csv_opens_in_excel_with_its_bom(login_as, world):
    station = login_as("station_officer")
    hazard = report(station, world, description='电动车楼道充电，含逗号,和"引号"')
    resp = export(station, "hazards", "csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0] == [column.header for column in HAZARD_COLUMNS]
    found = [row for row in rows[1:] if row[0] == hazard["id"]]
    assert found and found[0][9] == '电动车楼道充电，含逗号,和"引号"'


def test_without_a_body_the_ledger_is_a_workbook(login_as, world):
    """The app's download link posts nothing: the default is the XLSX."""
    station = login_as("station_officer")
    report(station, world)
    resp = station.post("/api/v1/ledgers/hazards")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert sheet_of(resp.data).max_row >= 2


def test_every_ledger_exports_what_its_list_shows(login_as, world):
    supervisor, station = login_as("supervisor"), login_as("station_officer")
    report(station, world)
    lists = {
        "sites": "/api/v1/sites",
        "enterprises": "/api/v1/enterprises",
        "checkins": "/api/v1/checkins",
        "inspections": "/api/v1/inspections",
    }
    for kind, url in lists.items():
        for caller in (supervisor, station):
            resp = export(caller, kind)
            assert resp.status_code == 200, (kind, resp.json)
            rows = list(sheet_of(resp.data).iter_rows(values_only=True))
            assert list(rows[0]) == [column.header for column in LEDGERS[kind].columns]
            listed = caller.get(url, query_string={"page_size": 100})
            assert len(rows) - 1 == json.loads(listed.headers["X-Pagination"])["total"], kind
    sites = list(sheet_of(export(station, "sites").data).iter_rows(values_only=True))
    assert {row[0] for row in sites[1:]} == {"测试农贸市场", "测试消防通道"}  # not the other street's mall
    enterprises = list(sheet_of(export(supervisor, "enterprises").data).iter_rows(values_only=True))
    market = next(row for row in enterprises[1:] if row[0] == "测试农贸市场有限公司")
    assert market[7] in ("规模以上", "规模以下") and market[9] == 1  # its one site, counted as a number


def test_a_role_that_exports_nothing_is_refused(login_as):
    for person in ("grid_worker", "enterprise_user", "expert"):
        resp = export(login_as(person), "hazards")
        assert resp.status_code == 403 and resp.json["code"]


def test_a_large_ledger_is_a_job_with_progress_that_ends_in_the_inbox(app, login_as, world, monkeypatch):
    station = login_as("station_officer")
    mine = {report(station, world)["id"] for _ in range(5)}
    report(login_as("station_officer_b"), world, site_id=str(world["mall_site"]))
    monkeypatch.setitem(app.config, "LEDGER_INLINE_ROWS", 2)
    monkeypatch.setattr("server.ledgers.sheets.BATCH", 2)
    seen = []
    original = services._progress
    monkeypatch.setattr(services, "_progress", lambda export_id, done: (seen.append(done), original(export_id, done)))

    resp = export(station, "hazards")
    assert resp.status_code == 202, resp.json
    assert resp.json["total"] == 5 and resp.json["title"] == "隐患台账"
    # the embedded default ran it inline after the commit: every batch's progress was committed on the way
    assert seen == [0, 2, 4, 5]
    status = station.get(f"/api/v1/ledgers/exports/{resp.json['id']}").json
    assert status["state"] == "ready" and status["done"] == 5 and status["progress"] == 1.0

    inbox = station.get("/api/v1/inbox").json
    note = next(n for n in inbox if n["kind"] == "ledger_ready")
    assert note["record_type"] == "ledger" and note["record_id"] == resp.json["id"] and "隐患台账" in note["title"]

    file = station.get(f"/api/v1/ledgers/exports/{resp.json['id']}/file")
    assert file.status_code == 200 and file.mimetype == XLSX
    assert {row[0] for row in list(sheet_of(file.data).iter_rows(values_only=True))[1:]} == mine
    file.close()  # the stored file is streamed, and closed with the answer
    # nobody else's
    other = login_as("station_officer")
    assert other.get(f"/api/v1/ledgers/exports/{resp.json['id']}").status_code == 404
    assert other.get(f"/api/v1/ledgers/exports/{resp.json['id']}/file").status_code == 404
    assert [e["id"] for e in station.get("/api/v1/ledgers/exports").json] == [resp.json["id"]]
    with app.app_context():
        assert db.session.get(LedgerExport, uuid.UUID(resp.json["id"])).key
        assert db.session.scalar(select(Notification.kind).where(Notification.user_id == station.user.id))


def test_a_job_builds_in_the_scope_its_user_has_when_it_runs(app, login_as, world, monkeypatch):
    station = login_as("station_officer")
    report(station, world)
    with app.app_context():
        caller = services.caller_now(station.user.id)
        assert [role.role for role in caller.roles] == ["station_officer"]
        assert LEDGERS["hazards"].count(caller, {}, datetime.now(SHANGHAI)) == 1


@pytest.mark.parametrize("kind", list(LEDGERS))
def test_an_unfinished_export_is_not_served(app, login_as, kind):
    station = login_as("station_officer")
    with app.app_context():
        row = LedgerExport(user_id=station.user.id, kind=kind, format="csv", filters={}, total=3)
        db.session.add(row)
        db.session.commit()
        export_id = row.id
    resp = station.get(f"/api/v1/ledgers/exports/{export_id}/file")
    assert resp.status_code == 409 and resp.json["code"] == "export_not_ready"
