"""Disaster statistics through the API: the order of 初报 / 续报 / 核报, the sharp-change rule, offline replay, the
totals of two communities adding up to their street, the ledger (XLSX and CSV), and scope."""

import csv
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from server.areas.models import Area
from server.areas.services import create_area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.disasters.models import DisasterReport
from tests.conftest import uid


def second_community(app, world):
    with app.app_context():
        street = db.session.get(Area, world["street_a"])
        community = create_area(code=f"T-A2-{uid()[:6]}", name="测试社区A2", level="community", parent=street)
        db.session.commit()
        return community.id


def open_disaster(caller, world, **changes):
    resp = caller.post(
        "/api/v1/disasters",
        json={
            "name": "7·6暴雨",
            "type": "natural.flood",
            "area_id": world["district"],
            "started_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            **changes,
        },
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def send(caller, disaster, community, kind, **figures):
    return caller.post(
        f"/api/v1/disasters/{disaster['id']}/reports",
        json={"id": uid(), "community_id": community, "kind": kind, **figures},
    )


def test_two_communities_add_up_to_their_street_and_the_district(app, login_as, world):
    supervisor, station = login_as("supervisor"), login_as("station_officer")
    disaster = open_disaster(supervisor, world)
    other = second_community(app, world)
    worker = login_as("grid_worker")
    first = send(worker, disaster, world["comm_a"], "initial", affected=120, evacuated=30, houses_generally_damaged=4)
    assert first.status_code == 201, first.json
    assert first.json["late"] is False and first.json["community_name"] == "测试社区A1"
    assert send(station, disaster, other, "initial", affected=80, injured=2, direct_loss=12.5).status_code == 201
    # the follow-up replaces the community's figures: 120 → 150 is within half
    assert send(worker, disaster, world["comm_a"], "followup", affected=150, evacuated=30).status_code == 201
    street = supervisor.get(f"/api/v1/disasters/{disaster['id']}/totals", query_string={"area_id": world["street_a"]})
    assert street.json["totals"]["affected"] == 230 and street.json["totals"]["injured"] == 2
    assert street.json["totals"]["direct_loss"] == 12.5 and street.json["totals"]["houses_generally_damaged"] == 0
    parts = {p["name"]: p["totals"]["affected"] for p in street.json["parts"]}
    assert parts == {"测试社区A1": 150, "测试社区A2": 80}
    district = supervisor.get(f"/api/v1/disasters/{disaster['id']}/totals").json
    assert district["totals"]["affected"] == 230
    assert {p["area_id"]: p["totals"]["affected"] for p in district["parts"]}[world["street_a"]] == 230


def test_a_sharp_change_needs_an_explanation(login_as, world):
    supervisor, worker = login_as("supervisor"), login_as("grid_worker")
    disaster = open_disaster(supervisor, world)
    send(worker, disaster, world["comm_a"], "initial", affected=100, dead=0)
    jump = send(worker, disaster, world["comm_a"], "followup", affected=400, dead=3)
    assert jump.status_code == 422 and jump.json["code"] == "explanation_required"
    assert set(jump.json["errors"]["json"]) == {"explanation", "affected", "dead"}
    assert "变化原因" in jump.json["message"]
    explained = send(
        worker, disaster, world["comm_a"], "followup", affected=400, dead=3, explanation="积水倒灌，新增两栋居民楼受灾"
    )
    assert explained.status_code == 201 and explained.json["explanation"].startswith("积水")
    # nothing changed: the daily follow-up still goes in without a word
    assert send(worker, disaster, world["comm_a"], "followup", affected=400, dead=3).status_code == 201


def test_the_order_of_the_reports(login_as, world):
    supervisor, worker = login_as("supervisor"), login_as("grid_worker")
    disaster = open_disaster(supervisor, world)
    assert send(worker, disaster, world["comm_a"], "followup").json["code"] == "initial_first"
    assert send(worker, disaster, world["comm_a"], "initial", affected=10).status_code == 201
    assert send(worker, disaster, world["comm_a"], "initial").json["code"] == "initial_made"
    assert send(worker, disaster, world["comm_a"], "verified", affected=12).status_code == 201
    assert send(worker, disaster, world["comm_a"], "followup", affected=12).json["code"] == "verified_made"


def test_a_late_first_report_is_marked(login_as, world):
    disaster = open_disaster(
        login_as("supervisor"), world, started_at=(datetime.now(UTC) - timedelta(hours=3)).isoformat()
    )
    late = send(login_as("grid_worker"), disaster, world["comm_a"], "initial", affected=5)
    assert late.json["late"] is True


def test_an_offline_replay_is_idempotent(login_as, world):
    disaster = open_disaster(login_as("supervisor"), world)
    worker = login_as("grid_worker")
    sent = {"id": uid(), "community_id": world["comm_a"], "kind": "initial", "affected": 7}
    url = f"/api/v1/disasters/{disaster['id']}/reports"
    assert worker.post(url, json=sent).status_code == 201
    assert worker.post(url, json=sent).status_code == 200
    differs = worker.post(url, json={**sent, "affected": 8})
    assert differs.status_code == 409 and differs.json["errors"]["json"] == {"affected": ["differs"]}
    assert login_as("grid_worker").post(url, json=sent).json["code"] == "id_taken"


def test_the_ledger_as_xlsx_and_csv(app, login_as, world):
    supervisor, worker = login_as("supervisor"), login_as("grid_worker")
    disaster = open_disaster(supervisor, world)
    send(worker, disaster, world["comm_a"], "initial", affected=120, direct_loss=3.5)
    book = supervisor.get(f"/api/v1/disasters/{disaster['id']}/ledger.xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.data)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("灾害过程", "社区", "报表类型", "填报时间") and sheet.freeze_panes == "A2"
    assert rows[1][1:3] == ("测试社区A1", "初报") and rows[1][4] == 120 and rows[1][12] == 3.5
    # written as the other ledgers are: the time a date cell on Shanghai's clock, the columns their widths
    with app.app_context():
        received = db.session.scalars(select(DisasterReport.received_at)).one()
    assert abs(rows[1][3] - received.astimezone(SHANGHAI).replace(tzinfo=None)) < timedelta(seconds=1)
    assert sheet.column_dimensions["D"].width == 18
    text = supervisor.get(f"/api/v1/disasters/{disaster['id']}/ledger.csv").data
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[0][4] == "受灾人口（人）" and lines[1][2] == "初报"
    assert lines[1][3] == received.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def test_scope(app, login_as, world):
    supervisor = login_as("supervisor")
    disaster = open_disaster(supervisor, world)
    other_street = login_as("station_officer_b")
    # a street's station reports for its own communities only
    refused = send(other_street, disaster, world["comm_a"], "initial", affected=1)
    assert refused.status_code == 422 and refused.json["errors"]["json"]["community_id"]
    send(login_as("grid_worker"), disaster, world["comm_a"], "initial", affected=9)
    theirs = other_street.get(f"/api/v1/disasters/{disaster['id']}/totals").json
    assert theirs["totals"]["affected"] == 0  # the other street's figures are not theirs to see
    assert login_as("station_officer").get(f"/api/v1/disasters/{disaster['id']}/totals").json["totals"]["affected"] == 9
    assert login_as("enterprise_user").get("/api/v1/disasters").status_code == 403
    street_b = open_disaster(other_street, world, area_id=world["street_b"])
    assert login_as("station_officer").get(f"/api/v1/disasters/{street_b['id']}").status_code == 404
    assert login_as("grid_worker").post("/api/v1/disasters", json={}).status_code == 403


def test_the_response_ends(login_as, world):
    supervisor = login_as("supervisor")
    disaster = open_disaster(supervisor, world)
    url = f"/api/v1/disasters/{disaster['id']}"
    etag = supervisor.get(url).headers["ETag"]
    assert supervisor.patch(url, json={"response_active": False}).status_code == 428
    ended = supervisor.patch(url, json={"response_active": False}, headers={"If-Match": etag})
    assert ended.status_code == 200 and ended.json["response_active"] is False and ended.json["ended_at"]


def test_the_disasters_type_is_named_in_the_language_the_app_asks_for(login_as, world):
    supervisor = login_as("supervisor")
    disaster = open_disaster(supervisor, world)
    english = supervisor.get(f"/api/v1/disasters/{disaster['id']}", headers={"Accept-Language": "en"}).json
    assert english["type_name"] == "Natural disaster · Flood and drought"
    assert disaster["type_name"] == "自然灾害·水旱灾害"
