"""What citing a photo grants (DESIGN.md: a record may cite a photo before it arrives): the photo, to whoever's scope
covers the citing record, only when the citer uploaded it or could already see it. A citer who learned or guessed
someone else's photo id gets nothing through it, nor do the offices reading the citing record; and the answers that
could leak a photo id (duplicate_of) or its content (a 409 on its id) say nothing of someone else's photo."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import WORLD
from tests.photos.conftest import fetch, make_photo, post, put

READERS = ["citer", "station_officer", "enterprise_user", "department_officer", "station_officer_b"]


def report(caller, photo_ids, *, site="market_site") -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "site_id": str(WORLD[site]),
        "category": "fire",
        "level": "general",
        "description": "安全出口被杂物堵塞",
        "observed_at": datetime.now(UTC).isoformat(),
        "photo_ids": [str(p) for p in photo_ids],
    }
    response = caller.post("/api/v1/hazards", json=body)
    assert response.status_code == 201, response.json  # accepted whatever it cites: refusing would tell
    return response.json


# Each scenario: who cites photo P in a report at the market (street A, the market bureau's sector) and whose P
# is; it returns (P, the citer). The set is who then sees P.
def own_photo(login_as, call_as):
    citer = login_as("grid_worker")
    photo_id = put(citer, make_photo()).json["id"]
    report(citer, [photo_id])
    return photo_id, citer


def own_photo_sent_after_the_report(login_as, call_as):
    citer, photo_id = login_as("grid_worker"), uuid.uuid4()
    report(citer, [photo_id])
    put(citer, make_photo(), photo_id)
    return str(photo_id), citer


def someone_elses_photo_cited_before_it_arrives(login_as, call_as):
    citer, photo_id = login_as("grid_worker"), uuid.uuid4()  # the id learned, say, from a shared screen
    report(citer, [photo_id])
    put(call_as("grid_worker", "grid_b1"), make_photo(), photo_id)
    return str(photo_id), citer


def someone_elses_photo_cited_after_it_arrives(login_as, call_as):
    photo_id = put(call_as("grid_worker", "grid_b1"), make_photo()).json["id"]
    citer = login_as("grid_worker")
    report(citer, [photo_id])
    return photo_id, citer


def a_photo_the_citer_may_see(login_as, call_as):
    # a worker of grid A2 reports at the fire lane: the station of street A sees the photo, and cites it again
    # in its own report at the market (vouched for: the market and its bureau now see it too)
    uploader = call_as("grid_worker", "grid_a2")
    photo_id = put(uploader, make_photo()).json["id"]
    report(uploader, [photo_id], site="fire_lane")
    citer = login_as("station_officer")
    report(citer, [photo_id])
    return photo_id, citer


def a_photo_the_citer_could_not_see_yet(login_as, call_as):
    # the station cites it before it arrives: not vouched for, even once the station sees it through the
    # uploader's own report (seeing a photo is one thing, showing it to the market another)
    citer, photo_id = login_as("station_officer"), uuid.uuid4()
    report(citer, [photo_id])
    uploader = call_as("grid_worker", "grid_a2")
    put(uploader, make_photo(), photo_id)
    report(uploader, [photo_id], site="fire_lane")
    return str(photo_id), citer


OFFICES = {"station_officer", "enterprise_user", "department_officer"}
SCENARIOS = {
    own_photo: {"citer"} | OFFICES,
    own_photo_sent_after_the_report: {"citer"} | OFFICES,
    someone_elses_photo_cited_before_it_arrives: set(),
    someone_elses_photo_cited_after_it_arrives: set(),
    a_photo_the_citer_may_see: {"citer"} | OFFICES,
    a_photo_the_citer_could_not_see_yet: {"citer", "station_officer"},
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=lambda scenario: scenario.__name__)
def test_a_citation_grants_a_photo_only_when_its_citer_uploaded_it_or_could_see_it(login_as, call_as, scenario, reader):
    photo_id, citer = scenario(login_as, call_as)
    caller = citer if reader == "citer" else login_as(reader)
    visible = reader in SCENARIOS[scenario]
    response = caller.get(f"/api/v1/photos/{photo_id}")
    if visible:
        assert response.status_code == 200 and fetch(caller, response.json["urls"]["display"]).status_code == 200
    else:
        assert response.json == caller.get(f"/api/v1/photos/{uuid.uuid4()}").json  # reads exactly like absent
    hazards = caller.get("/api/v1/hazards").json
    states = {photo["id"]: photo["state"] for hazard in hazards for photo in hazard["photos"]}
    if reader != "station_officer_b":  # street B's station does not see the market's reports at all
        assert states[photo_id] == ("ready" if visible else "pending")  # never its real state
    if reader == "station_officer":
        original = fetch(caller, f"/api/v1/photos/{photo_id}/original")
        assert original.status_code == (200 if visible else 404)


def test_the_uploader_always_sees_their_photo_whoever_cited_it(login_as, call_as):
    photo_id, victim = uuid.uuid4(), call_as("grid_worker", "grid_b1")
    report(login_as("grid_worker"), [photo_id])
    assert put(victim, make_photo(), photo_id).status_code == 201
    assert victim.get(f"/api/v1/photos/{photo_id}").status_code == 200


def transition(caller, hazard_id, action, **payload):
    url = f"/api/v1/hazards/{hazard_id}"
    response = caller.post(
        f"{url}/transitions",
        json={"id": str(uuid.uuid4()), "action": action, **payload},
        headers={"If-Match": caller.get(url).headers["ETag"]},
    )
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("whose,station_sees", [("own", True), ("someone_elses", False)])
def test_a_change_citing_photos_grants_them_by_the_same_rule(login_as, call_as, whose, station_sees):
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = report(login_as("grid_worker"), [])
    transition(station, hazard["id"], "acknowledge")
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    transition(station, hazard["id"], "issue_notice", deadline=deadline, responsible_party="测试农贸市场有限公司")
    proof = put(enterprise if whose == "own" else call_as("grid_worker", "grid_b1"), make_photo()).json["id"]
    transition(enterprise, hazard["id"], "submit_rectification", description="已清理", photo_ids=[proof])
    assert (station.get(f"/api/v1/photos/{proof}").status_code == 200) is station_sees


# ---- duplicate_of and reused ----------------------------------------------------------------------------------


def test_duplicate_of_names_only_a_photo_the_viewer_may_see_and_reuse_is_always_told(login_as, call_as):
    data = make_photo()
    victim = call_as("grid_worker", "grid_b1")
    first = put(victim, data).json
    attacker = login_as("grid_worker")
    second = put(attacker, data).json
    assert (second["reused"], second["duplicate_of"]) == (True, None)  # the victim's id stays theirs
    report(attacker, [second["id"]])
    station = login_as("station_officer")  # sees the attacker's copy through the report, not the victim's
    assert station.get(f"/api/v1/photos/{second['id']}").json["reused"] is True
    assert station.get(f"/api/v1/photos/{second['id']}").json["duplicate_of"] is None
    district = login_as("supervisor")  # sees every photo: told which one came first
    assert district.get(f"/api/v1/photos/{second['id']}").json["duplicate_of"] == first["id"]
    assert put(victim, data).json["duplicate_of"] == first["id"]  # one's own earlier photo is named
    assert victim.get(f"/api/v1/photos/{first['id']}").json["reused"] is False


# ---- an id taken ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("send", [put, post], ids=["put", "form"])
def test_someone_elses_photo_id_is_taken_and_nothing_of_that_photo_is_told(login_as, call_as, media, send):
    victim, attacker = call_as("grid_worker", "grid_b1"), login_as("grid_worker")
    photo_id, data = uuid.uuid4(), make_photo()
    put(victim, data, photo_id)
    same, other = send(attacker, data, photo_id), send(attacker, make_photo(), photo_id)
    assert same.status_code == other.status_code == 409
    assert same.json == other.json  # not even whether the bytes match
    assert same.json["code"] == "id_taken" and set(same.json) == {"code", "status", "message"}
    assert str(photo_id) not in same.json["message"] and "SHA" not in same.json["message"]
    assert attacker.get(f"/api/v1/photos/{photo_id}").status_code == 404


def test_ones_own_photo_id_answers_as_the_offline_contract_says(login_as):
    caller, photo_id, data = login_as("grid_worker"), uuid.uuid4(), make_photo()
    assert put(caller, data, photo_id).status_code == 201
    assert put(caller, data, photo_id).status_code == 200
    other = put(caller, make_photo(), photo_id)
    assert other.status_code == 409 and other.json["code"] == "id_conflict"
