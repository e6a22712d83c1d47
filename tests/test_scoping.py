"""Scoping as a table: role × resource × in / out of scope. Out of scope reads exactly like absent (404)."""

import pytest

from server.core.db import db
from server.people.models import RoleAssignment
from tests.conftest import PEOPLE, uid
from tests.hazards.test_loop import act, later, report, report_body
from tests.incidents.test_incidents import report as report_incident
from tests.inspections.factory import inspection_body, published
from tests.photos.conftest import make_photo, put
from tests.sync.test_feed import sync

# (person, resource, world key, visible?)
#   world: street A holds grid A1 (the market, enterprise `market`) and grid A2 (a public fire lane);
#          street B holds grid B1 (the mall, enterprise `mall`).
TABLE = [
    ("grid_worker", "sites", "market_site", True),
    ("grid_worker", "sites", "fire_lane", False),  # same community, another grid
    ("grid_worker", "sites", "mall_site", False),
    ("grid_worker", "enterprises", "market", True),  # it has a site in the worker's grid
    ("grid_worker", "enterprises", "mall", False),
    ("station_officer", "sites", "market_site", True),
    ("station_officer", "sites", "fire_lane", True),
    ("station_officer", "sites", "mall_site", False),
    ("station_officer", "enterprises", "market", True),
    ("station_officer", "enterprises", "mall", False),
    ("enforcement_officer", "sites", "mall_site", True),
    ("enforcement_officer", "enterprises", "mall", True),
    ("department_officer", "sites", "market_site", True),  # the market bureau sees markets
    ("department_officer", "sites", "mall_site", False),
    ("department_officer", "sites", "fire_lane", False),  # no enterprise, no sector
    ("department_officer", "enterprises", "market", True),
    ("department_officer", "enterprises", "mall", False),
    ("enterprise_user", "sites", "market_site", True),
    ("enterprise_user", "sites", "fire_lane", False),
    ("enterprise_user", "sites", "mall_site", False),
    ("enterprise_user", "enterprises", "market", True),
    ("enterprise_user", "enterprises", "mall", False),
    ("expert", "sites", "mall_site", True),
    ("expert", "sites", "market_site", False),
    ("supervisor", "sites", "market_site", True),
    ("supervisor", "sites", "mall_site", True),
    ("supervisor", "sites", "fire_lane", True),
    ("supervisor", "enterprises", "mall", True),
    ("admin", "sites", "mall_site", True),
    ("admin", "sites", "market_site", False),
    ("admin", "enterprises", "mall", True),
    ("admin", "enterprises", "market", False),
]


@pytest.mark.parametrize("person,resource,key,visible", TABLE)
def test_lookup_and_list_agree_on_scope(login_as, world, person, resource, key, visible):
    caller = login_as(person)
    target = str(world[key])
    one = caller.get(f"/api/v1/{resource}/{target}")
    assert one.status_code == (200 if visible else 404), one.json
    listed = caller.get(f"/api/v1/{resource}?page_size=100")
    assert listed.status_code == 200
    assert (target in {item["id"] for item in listed.json}) is visible
    if not visible:
        assert one.json["code"] == "not_found"


def test_out_of_scope_is_indistinguishable_from_absent(login_as, world):
    caller = login_as("grid_worker")
    hidden = caller.get(f"/api/v1/sites/{world['mall_site']}")
    absent = caller.get("/api/v1/sites/00000000-0000-4000-8000-000000000000")
    assert (hidden.status_code, hidden.json) == (absent.status_code, absent.json)


# Users: who may see whom. Admin of street B, supervisor of the district; others have no user list.
USER_TABLE = [
    ("admin", "station_officer", False),  # the officer works in street A
    ("admin", "expert", True),  # the expert is assigned to street B
    ("district_admin", "station_officer", True),
    ("district_admin", "enterprise_user", True),
    ("supervisor", "grid_worker", True),
]


@pytest.mark.parametrize("viewer,subject,visible", USER_TABLE)
def test_users_are_scoped_to_the_admins_area(login_as, viewer, subject, visible):
    target = login_as(subject).user
    caller = login_as(viewer)
    one = caller.get(f"/api/v1/users/{target.id}")
    assert one.status_code == (200 if visible else 404)
    listed = caller.get("/api/v1/users?page_size=100")
    assert (str(target.id) in {u["id"] for u in listed.json}) is visible


@pytest.mark.parametrize(
    "person",
    ["grid_worker", "station_officer", "enterprise_user", "expert", "department_officer", "enforcement_officer"],
)
def test_field_roles_have_no_user_directory(login_as, person):
    assert login_as(person).get("/api/v1/users").status_code == 403


@pytest.mark.parametrize(
    "person,can_edit",
    [
        ("station_officer", True),
        ("supervisor", True),
        ("admin", False),  # admin of street B, site in A
        ("grid_worker", False),
        ("enterprise_user", False),
        ("department_officer", False),
        ("expert", False),
    ],
)
def test_who_may_edit_a_site(login_as, world, person, can_edit):
    caller = login_as(person)
    url = f"/api/v1/sites/{world['market_site']}"
    read = caller.get(url)
    if read.status_code == 404:
        assert not can_edit
        return
    resp = caller.patch(url, json={"risk_level": "high"}, headers={"If-Match": read.headers["ETag"]})
    assert resp.status_code == (200 if can_edit else 403), resp.json
    if can_edit:
        assert resp.json["risk_level"] == "high"


# ---- the hazard loop's records ------------------------------------------------------------------------------
# Every person of the table is signed in before anything happens, so that the inbox can route to them. Then:
#   market: reported at the market (grid A1, enterprise `market`, sector market) with a photo its reporter
#           uploaded, acknowledged and given a notice: rectifying, with a rectification notice (a document);
#           a check-in at the market by the same reporter;
#   lane:   reported at the fire lane (grid A2, no enterprise), acknowledged, transferred to the market sector;
#   mall:   reported at the mall (street B), waiting to be acknowledged.
# The reporters and the officers who act are other users than the table's people (a reporter always sees their
# own report, whatever their role).
IN_STREET_A = {
    "grid_worker": True,
    "station_officer": True,
    "station_officer_b": False,
    "enforcement_officer": True,
    "department_officer": True,
    "enterprise_user": True,
    "expert": False,
    "supervisor": True,
    "admin": False,
    "district_admin": True,
}
LANE = {**IN_STREET_A, "grid_worker": False, "enterprise_user": False}  # another grid; no enterprise there
MALL = {
    "grid_worker": False,
    "station_officer": False,
    "station_officer_b": True,
    "enforcement_officer": True,
    "department_officer": False,
    "enterprise_user": False,
    "expert": True,
    "supervisor": True,
    "admin": True,
    "district_admin": True,
}  # commerce, not the market bureau's sector
RECORDS_OF_THE_MARKET = ("hazards", "photos", "checkins", "documents", "timelines", "changes")

# (person, resource, record, visible?): for the inbox, whether it holds something about that hazard
LOOP_TABLE = [
    *[(person, resource, "market", seen) for resource in RECORDS_OF_THE_MARKET for person, seen in IN_STREET_A.items()],
    *[(person, resource, "lane", seen) for resource in ("hazards", "changes") for person, seen in LANE.items()],
    *[(person, resource, "mall", seen) for resource in ("hazards", "changes") for person, seen in MALL.items()],
    ("station_officer", "inbox", "market", True),  # new_report: its street's station
    ("enterprise_user", "inbox", "market", True),  # notice: the enterprise answerable
    ("grid_worker", "inbox", "market", False),
    ("supervisor", "inbox", "market", False),  # a general hazard: the district is not told
    ("station_officer_b", "inbox", "market", False),
    ("department_officer", "inbox", "market", False),
    ("department_officer", "inbox", "lane", True),  # transferred to its sector
    ("station_officer", "inbox", "lane", True),
    ("station_officer_b", "inbox", "mall", True),
    ("station_officer", "inbox", "mall", False),
    ("expert", "inbox", "mall", False),
    # inspections, each by another user: seen as a hazard at its site would be (the lane's was never transferred)
    *[(person, "inspections", "market", seen) for person, seen in IN_STREET_A.items()],
    *[(person, "inspections", "lane", seen) for person, seen in {**LANE, "department_officer": False}.items()],
    *[(person, "inspections", "mall", seen) for person, seen in MALL.items()],
]

# (person, hazard, allowed actions; None: the hazard reads as absent): the roles one acts in are those held where
# the hazard is, so a role's actions appear only within its scope
ACTIONS_TABLE = [
    ("station_officer", "market", ["invite_expert", "submit_rectification"]),
    ("enterprise_user", "market", ["submit_rectification"]),  # its own enterprise's
    ("grid_worker", "market", []),
    ("enforcement_officer", "market", ["order_rectification"]),  # by law, theirs alone
    ("department_officer", "market", []),
    ("supervisor", "market", ["invite_expert"]),
    ("district_admin", "market", []),
    ("station_officer_b", "market", None),
    ("expert", "market", None),
    ("admin", "market", None),
    ("station_officer", "lane", ["invite_expert", "issue_notice", "merge", "transfer"]),
    ("enforcement_officer", "lane", ["issue_notice", "order_rectification"]),
    ("department_officer", "lane", ["issue_notice"]),  # the sector it was transferred to
    ("supervisor", "lane", ["invite_expert"]),
    ("grid_worker", "lane", None),
    ("enterprise_user", "lane", None),
    ("station_officer_b", "mall", ["acknowledge", "merge", "reject", "transfer"]),
    ("station_officer", "mall", None),  # the same role, another street
    ("enforcement_officer", "mall", []),
    ("expert", "mall", []),
    ("admin", "mall", []),
    ("department_officer", "mall", None),
    ("enterprise_user", "mall", None),
]


@pytest.fixture
def loop_world(login_as, world):
    """The records above, and the people of the table (signed in first): (people, records)."""
    people = {person: login_as(person) for person in PEOPLE}
    cursor = sync(people["supervisor"])[1]  # the feed's changes after this are the records below
    reporter, station, station_b = login_as("grid_worker"), login_as("station_officer"), login_as("station_officer_b")
    photo = uid()
    assert put(reporter, make_photo(), photo).status_code == 201
    market = report(reporter, world, photo_ids=[photo])["id"]
    assert act(station, market, "acknowledge").status_code == 200
    assert (
        act(station, market, "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司").status_code
        == 200
    )
    [document] = station.get(f"/api/v1/hazards/{market}/documents").json
    lane = report(station, world, site_id=str(world["fire_lane"]))["id"]
    assert act(station, lane, "acknowledge").status_code == 200
    assert act(station, lane, "transfer", reason="市场监管职责", sector="market").status_code == 200
    mall = report(station_b, world, site_id=str(world["mall_site"]))["id"]
    tag = station.post(f"/api/v1/sites/{world['market_site']}/tag").json
    checkin = reporter.post(
        "/api/v1/checkins",
        json={
            "id": uid(),
            "code": tag["code"],
            "observed_at": "2026-11-29T09:30:00+08:00",
            "latitude": 30.59,
            "longitude": 114.27,
            "accuracy_m": 8.0,
        },
    )
    assert checkin.status_code == 201, checkin.json
    thumb = reporter.get(f"/api/v1/photos/{photo}").json["urls"]["thumb"]
    checklist = published(login_as("district_admin"), site_types=[])
    inspections = {
        key: inspector.post("/api/v1/inspections", json=inspection_body(checklist, world[site])).json["id"]
        for key, site, inspector in (
            ("market", "market_site", reporter),
            ("lane", "fire_lane", station),
            ("mall", "mall_site", station_b),
        )
    }
    return people, {
        "inspections": inspections,
        "market": market,
        "lane": lane,
        "mall": mall,
        "photo": photo,
        "thumb": thumb,
        "checkin": checkin.json["id"],
        "document": document["id"],
        "cursor": cursor,
    }


def _one_and_listed(caller, url, list_url, target) -> bool:
    """Whether the record is found, by its own address and in its list alike (out of scope: 404 not_found)."""
    one = caller.get(url)
    assert one.status_code in (200, 404), one.json
    listed = caller.get(list_url, query_string={"page_size": 100})
    assert listed.status_code == 200, listed.json
    assert (target in {item["id"] for item in listed.json}) is (one.status_code == 200), (url, one.status_code)
    if one.status_code == 404:
        assert one.json["code"] == "not_found"
    return one.status_code == 200


def _either(*answers) -> bool:
    """Whether the addresses answer, all alike: 200 each, or 404 each."""
    codes = {answer.status_code for answer in answers}
    assert codes in ({200}, {404}), [(answer.status_code, answer.request.path) for answer in answers]
    return codes == {200}


def _sees_hazards(caller, records, key):
    return _one_and_listed(caller, f"/api/v1/hazards/{records[key]}", "/api/v1/hazards", records[key])


def _sees_photos(caller, records, _key):
    return _either(caller.get(f"/api/v1/photos/{records['photo']}"), caller.get(records["thumb"], buffered=True))


def _sees_checkins(caller, records, _key):
    return _one_and_listed(caller, f"/api/v1/checkins/{records['checkin']}", "/api/v1/checkins", records["checkin"])


def _sees_documents(caller, records, key):
    listed = caller.get(f"/api/v1/hazards/{records[key]}/documents")
    pdf = caller.get(f"/api/v1/hazards/{records[key]}/documents/{records['document']}.pdf", buffered=True)
    if pdf.status_code == 200:
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
        assert [d["id"] for d in listed.json] == [records["document"]]
    return _either(listed, pdf)


def _sees_timelines(caller, records, key):
    timeline = caller.get(f"/api/v1/hazards/{records[key]}/timeline")
    if timeline.status_code == 200:
        assert [e["action"] for e in timeline.json] == ["report", "acknowledge", "issue_notice"]
    return _either(timeline)


def _sees_inbox(caller, records, key):
    notes = caller.get("/api/v1/inbox", query_string={"page_size": 100}).json
    for note in notes:  # the inbox never points at a hazard out of its reader's scope
        if note["hazard_id"]:
            assert caller.get(f"/api/v1/hazards/{note['hazard_id']}").status_code == 200, note
    return records[key] in {note["hazard_id"] for note in notes}


def _sees_changes(caller, records, key):
    """In the first sync's snapshot and in the changes after a cursor alike."""
    snapshot = {change["id"] for change in sync(caller)[0] if change["kind"] == "hazard"}
    changed = {change["id"] for change in sync(caller, records["cursor"])[0] if change["kind"] == "hazard"}
    assert (records[key] in snapshot) is (records[key] in changed)
    return records[key] in snapshot


def _sees_inspections(caller, records, key):
    target = records["inspections"][key]
    seen = _one_and_listed(caller, f"/api/v1/inspections/{target}", "/api/v1/inspections", target)
    record = caller.get(f"/api/v1/inspections/{target}/record.pdf", buffered=True)  # its 检查记录 alike
    assert record.status_code == (200 if seen else 404), record.status_code
    return seen


SEES = {
    "inspections": _sees_inspections,
    "hazards": _sees_hazards,
    "photos": _sees_photos,
    "checkins": _sees_checkins,
    "documents": _sees_documents,
    "timelines": _sees_timelines,
    "inbox": _sees_inbox,
    "changes": _sees_changes,
}


# One world per person, every row of theirs checked in it: the world costs a fifth of a second (a PDF is
# rendered), which once per row would be half a minute. Every row that does not hold is named.
@pytest.mark.parametrize("person", sorted({row[0] for row in LOOP_TABLE}))
def test_the_loop_s_records_are_scoped_like_the_places_they_are_at(loop_world, person):
    people, records = loop_world
    rows = [row for row in LOOP_TABLE if row[0] == person]
    assert [row for row in rows if SEES[row[1]](people[person], records, row[2]) is not row[3]] == []


@pytest.mark.parametrize("person", sorted({row[0] for row in ACTIONS_TABLE}))
def test_a_role_s_actions_on_a_hazard_are_those_of_the_roles_held_where_it_is(loop_world, person):
    people, records = loop_world
    caller = people[person]
    listed = {h["id"]: h for h in caller.get("/api/v1/hazards", query_string={"page_size": 100}).json}
    found = {}
    for _, key, _allowed in (row for row in ACTIONS_TABLE if row[0] == person):
        one = caller.get(f"/api/v1/hazards/{records[key]}")
        assert one.status_code in (200, 404)
        found[key] = one.json["allowed_actions"] if one.status_code == 200 else None
        in_page = listed[records[key]]["allowed_actions"] if records[key] in listed else None
        assert in_page == found[key], key  # a page's views decide as one hazard's does
    assert [row for row in ACTIONS_TABLE if row[0] == person and found[row[1]] != row[2]] == []


def test_one_acts_only_in_the_roles_held_where_the_hazard_is(app, login_as, world):
    """A station officer of street A who also patrols a grid of street B acts there as a grid worker only."""
    both = login_as("station_officer")
    with app.app_context():
        db.session.add(RoleAssignment(user_id=both.user.id, role="grid_worker", area_id=world["grid_b1"]))
        db.session.commit()
    mall = report(login_as("station_officer_b"), world, site_id=str(world["mall_site"]))["id"]
    market = report(login_as("grid_worker"), world)["id"]
    assert both.get(f"/api/v1/hazards/{mall}").json["allowed_actions"] == []
    assert both.get(f"/api/v1/hazards/{market}").json["allowed_actions"] == [
        "acknowledge",
        "merge",
        "reject",
        "transfer",
    ]
    pages = {h["id"]: h["allowed_actions"] for h in both.get("/api/v1/hazards").json}
    assert pages == {mall: [], market: ["acknowledge", "merge", "reject", "transfer"]}
    assert act(both, mall, "acknowledge").status_code == 403


# (person, grid, accepted?): a report by grid alone (a public place, no site) must be in an area the reporter holds
REPORT_BY_GRID = [
    ("grid_worker", "grid_a1", True),
    ("grid_worker", "grid_a2", False),  # the next grid
    ("station_officer", "grid_a2", True),
    ("station_officer", "grid_b1", False),
    ("department_officer", "grid_b1", True),  # its sector's area is the district
    ("enterprise_user", "grid_a1", False),  # an enterprise has no ground of its own
    ("supervisor", "grid_b1", True),
]


@pytest.mark.parametrize("person,grid,accepted", REPORT_BY_GRID)
def test_a_report_by_grid_is_taken_in_the_reporter_s_areas_only(login_as, world, person, grid, accepted):
    resp = login_as(person).post("/api/v1/hazards", json=report_body(world, site_id=None, grid_id=world[grid]))
    assert resp.status_code == (201 if accepted else 422), resp.json
    if not accepted:
        assert list(resp.json["errors"]["json"]) == ["grid_id"]


# Incidents and disaster statistics: (person, visible?) for an incident reported in grid A1 of street A, and for the
# figures of community A1 in a disaster over the district: the subtree of one's areas, the reporter, the district.
INCIDENT_TABLE = [
    ("grid_worker", True),  # the grid's worker
    ("station_officer", True),
    ("station_officer_b", False),  # another street
    ("enterprise_user", False),
    ("department_officer", False),  # a sector's grant is not a street's: incidents are not by sector
    ("supervisor", True),
    ("admin", False),  # an admin of street B
    ("district_admin", True),
]


@pytest.mark.parametrize("person,visible", INCIDENT_TABLE)
def test_incidents_and_disaster_figures_are_scoped_to_the_areas(login_as, world, person, visible):
    incident = report_incident(login_as("grid_worker"), world)
    caller = login_as(person)
    url = f"/api/v1/incidents/{incident['id']}"
    for path in (url, f"{url}/timeline", f"{url}/bulletin.pdf"):
        assert caller.get(path).status_code == (200 if visible else 404), (person, path)
    assert (incident["id"] in [i["id"] for i in caller.get("/api/v1/incidents").json]) is visible
    disaster = login_as("supervisor").post(
        "/api/v1/disasters",
        json={"name": "暴雨", "type": "natural.flood", "area_id": world["district"], "started_at": later(-1)},
    )
    sent = login_as("grid_worker").post(
        f"/api/v1/disasters/{disaster.json['id']}/reports",
        json={"id": uid(), "community_id": world["comm_a"], "kind": "initial", "affected": 12},
    )
    assert sent.status_code == 201, sent.json
    totals = caller.get(f"/api/v1/disasters/{disaster.json['id']}/totals")
    if totals.status_code == 200:
        assert (totals.json["totals"]["affected"] == 12) is visible, person
