"""Finding hazards: the list's search and filters, each answering both ways; and a transfer (移送) recorded on the
hazard, which lets the department of its sector act on it."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from server.core.db import db
from server.hazards.models import Hazard
from tests.conftest import uid
from tests.hazards.test_loop import act, later, report
from tests.sync.test_feed import sync

LIST = "/api/v1/hazards"


def found(caller, **query):
    resp = caller.get(LIST, query_string=query)
    assert resp.status_code == 200, resp.json
    return {h["id"] for h in resp.json}


def test_text_search_finds_the_description_the_site_and_the_responsible_party(login_as, world):
    station = login_as("station_officer")
    blocked = report(station, world, description="安全出口被杂物堵塞")
    lane = report(station, world, site_id=str(world["fire_lane"]), description="电动车占道")
    wiring = report(station, world, description="电线老化 100%_裸露")
    act(station, wiring["id"], "acknowledge")
    act(station, wiring["id"], "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")

    assert found(station, q="杂物") == {blocked["id"]}
    assert found(station, q="消防通道") == {lane["id"]}  # the site's name
    assert found(station, q="农贸市场有限") == {wiring["id"]}  # the responsible party
    assert found(station, q="农贸市场") == {blocked["id"], wiring["id"]}  # the site's name, or the party's
    # % and _ are the text typed, not wildcards
    assert found(station, q="100%_") == {wiring["id"]}
    assert found(station, q="%") == {wiring["id"]}
    assert found(station, q="出口_堵") == set()
    assert found(station, q="没有这样的隐患") == set()
    empty = station.get(LIST, query_string={"q": ""})
    assert empty.status_code == 422 and "q" in empty.json["errors"]["query"]


def test_a_street_narrows_the_list_to_its_own(login_as, world):
    supervisor = login_as("supervisor")
    here = report(login_as("station_officer"), world)
    there = report(login_as("station_officer_b"), world, site_id=str(world["mall_site"]))
    assert found(supervisor, area_id=world["street_a"]) == {here["id"]}
    assert found(supervisor, area_id=world["street_b"]) == {there["id"]}


def test_overdue_is_being_rectified_past_the_deadline(app, login_as, world):
    station = login_as("station_officer")
    late, on_time, reported = (report(station, world) for _ in range(3))
    for hazard in (late, on_time):
        act(station, hazard["id"], "acknowledge")
        act(station, hazard["id"], "issue_notice", deadline=later(3), responsible_party="市场方")
    with app.app_context():
        db.session.execute(
            update(Hazard)
            .where(Hazard.id == uuid.UUID(late["id"]))
            .values(deadline=datetime.now(UTC) - timedelta(hours=1))
        )
        db.session.commit()
    assert found(station, overdue="true") == {late["id"]}
    assert found(station, overdue="false") == {on_time["id"], reported["id"]}
    # the summary counts the same hazards
    assert login_as("supervisor").get("/api/v1/hazards/summary").json["total"]["overdue_rectification"] == 1


def closed_major(station, supervisor, enterprise, world, *, delist=False):
    hazard = report(station, world, level="major", category="gas")
    act(station, hazard["id"], "acknowledge")
    act(supervisor, hazard["id"], "list", reason="区级挂牌督办")
    act(station, hazard["id"], "issue_notice", deadline=later(10), responsible_party="测试农贸市场有限公司")
    act(enterprise, hazard["id"], "submit_rectification", description="已整改", photo_ids=[uid()])
    assert act(station, hazard["id"], "close", result="验收合格").json["state"] == "closed"
    if delist:
        assert act(supervisor, hazard["id"], "delist", reason="摘牌销号").status_code == 200
    return hazard


def test_listed_is_listed_and_not_de_listed_open_or_closed(login_as, world):
    station, supervisor, enterprise = login_as("station_officer"), login_as("supervisor"), login_as("enterprise_user")
    open_listed = report(station, world, level="major")
    act(station, open_listed["id"], "acknowledge")
    act(supervisor, open_listed["id"], "list", reason="挂牌督办")
    closed_listed = closed_major(station, supervisor, enterprise, world)
    delisted = closed_major(station, supervisor, enterprise, world, delist=True)
    general = report(station, world)

    assert found(supervisor, listed="true") == {open_listed["id"], closed_listed["id"]}
    assert found(supervisor, listed="false") == {delisted["id"], general["id"]}
    # a closed listed hazard still reaches the phone, whose supervisor de-lists it
    ids = {c["id"] for c in sync(supervisor)[0] if c["kind"] == "hazard"}
    assert closed_listed["id"] in ids
    page = supervisor.get(f"{LIST}/{closed_listed['id']}").json
    assert page["allowed_actions"] == ["delist"] and page["flags"] == ["listed"]


def test_a_transfer_is_recorded_and_filtered(login_as, world):
    station = login_as("station_officer")
    lane = report(station, world, site_id=str(world["fire_lane"]))
    stays = report(station, world)
    assert lane["transferred_at"] is None
    moved = act(station, lane["id"], "transfer", reason="属市场监管职责", sector="market")
    assert moved.json["transferred_at"] and moved.json["sector"] == "market"
    assert moved.json["flags"] == ["transferred"]
    assert found(station, transferred="true") == {lane["id"]}
    assert found(station, transferred="false") == {stays["id"]}


def test_a_department_acknowledges_what_was_transferred_to_it_and_only_that(login_as, world):
    station, department = login_as("station_officer"), login_as("department_officer")
    lane = report(station, world, site_id=str(world["fire_lane"]))
    own_sector = report(station, world)  # at the market: the market sector's from the start, never transferred
    act(station, lane["id"], "transfer", reason="属市场监管职责", sector="market")

    queue = department.get(LIST, query_string={"transferred": "true"}).json
    assert [h["id"] for h in queue] == [lane["id"]]
    assert queue[0]["allowed_actions"] == ["acknowledge"]
    assert department.get(f"{LIST}/{own_sector['id']}").json["allowed_actions"] == []
    refused = act(department, own_sector["id"], "acknowledge")
    assert refused.status_code == 403

    acknowledged = act(department, lane["id"], "acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json["state"] == "acknowledged"
    assert acknowledged.json["allowed_actions"] == ["issue_notice"]
    notice = act(department, lane["id"], "issue_notice", responsible_party="物业公司")
    assert notice.json["state"] == "rectifying"
    # the phone learns of the transfer from the feed
    feed = {c["id"]: c["data"] for c in sync(department)[0] if c["kind"] == "hazard"}
    assert feed[lane["id"]]["transferred_at"] == acknowledged.json["transferred_at"]


def test_a_department_of_another_sector_cannot_acknowledge_it(login_as, world):
    station = login_as("station_officer")
    lane = report(station, world, site_id=str(world["fire_lane"]))
    act(station, lane["id"], "transfer", reason="属商务职责", sector="commerce")
    assert login_as("department_officer").get(f"{LIST}/{lane['id']}").status_code == 404  # the market's
