"""Site tags through the API: issue, resolve a scan or a typed code, revoke, reissue, rotate keys."""

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

import qr.codes
import qr.render
from server.core.db import db
from server.people.models import RoleAssignment
from server.tags import services as tag_services
from tests.conftest import Caller, issue_token, make_user

NEVER_ISSUED = 999_999  # a serial no test reaches: what an absent tag looks like


def issue(caller, site_id):
    resp = caller.post(f"/api/v1/sites/{site_id}/tag")
    assert resp.status_code == 201, resp.json
    return resp.json


def resolve(caller, code):
    return caller.get("/api/v1/tags/resolve", query_string={"code": code})


def test_a_station_issues_a_tag_and_its_qr_code_leads_a_grid_worker_to_the_site(login_as, world):
    tag = issue(login_as("station_officer"), world["market_site"])
    assert tag["url"] == f"HTTP://LOCALHOST/S/{tag['code']}"
    # what a phone camera reads off the printed symbol
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.render.qr_png(tag["url"]))))[0].text
    found = resolve(login_as("grid_worker"), decoded)
    assert found.status_code == 200, found.json
    assert found.json["site"]["name"] == "测试农贸市场"
    assert resolve(login_as("grid_worker"), tag["code"].lower().replace("-", " ")).status_code == 200


def test_one_changed_character_is_refused(login_as, world):
    code = issue(login_as("station_officer"), world["market_site"])["code"]
    worker = login_as("grid_worker")
    for position in (0, 3, 8, len(code) - 1):
        wrong = code[:position] + ("7" if code[position] != "7" else "8") + code[position + 1 :]
        resp = resolve(worker, wrong)
        assert resp.status_code == 404 and resp.json["code"] in ("invalid_tag", "retired_key"), wrong
    assert "输错" in resolve(worker, code[:-1] + ("X" if code[-1] != "X" else "Y")).json["message"]


def test_reissuing_revokes_the_old_tag(login_as, world):
    station = login_as("station_officer")
    old = issue(station, world["market_site"])
    new = issue(station, world["market_site"])
    assert new["code"] != old["code"]
    gone = resolve(station, old["code"])
    assert gone.status_code == 410 and gone.json["code"] == "revoked_tag"
    assert resolve(station, new["code"]).status_code == 200
    assert station.get(f"/api/v1/sites/{world['market_site']}/tag").json["code"] == new["code"]


def test_a_lost_tag_is_revoked_with_a_reason_and_if_match(login_as, world):
    station = login_as("station_officer")
    tag = issue(station, world["market_site"])
    url = f"/api/v1/tags/{tag['serial']}"
    assert station.delete(url, json={"reason": "丢失"}).status_code == 428
    etag = station.get(url).headers["ETag"]
    revoked = station.delete(url, json={"reason": "丢失"}, headers={"If-Match": etag})
    assert revoked.status_code == 200 and revoked.json["revoke_reason"] == "丢失"
    assert resolve(station, tag["code"]).status_code == 410
    assert station.get(f"/api/v1/sites/{world['market_site']}/tag").status_code == 404


def test_rotated_keys_keep_old_tags_working_until_the_key_is_retired(app, login_as, world):
    station = login_as("station_officer")
    old = issue(station, world["market_site"])["code"]
    original = app.config["QR_SIGNING_KEYS"]
    try:
        app.config["QR_SIGNING_KEYS"] = "B:" + "b" * 32 + "," + original  # B signs from now on
        app.extensions.pop("qr_keyring", None)
        fresh = issue(station, world["fire_lane"])["code"]
        assert fresh.startswith("B") and old.startswith("A")
        assert resolve(station, old).status_code == 200
        app.config["QR_SIGNING_KEYS"] = "B:" + "b" * 32  # A retired
        app.extensions.pop("qr_keyring", None)
        retired = resolve(station, old)
        assert retired.status_code == 404 and retired.json["code"] == "retired_key"
        assert resolve(station, fresh).status_code == 200
    finally:
        app.config["QR_SIGNING_KEYS"] = original
        app.extensions.pop("qr_keyring", None)


def test_a_code_signed_by_another_deployment_is_refused(login_as, world):
    issue(login_as("station_officer"), world["market_site"])
    foreign = qr.codes.sign(1, qr.codes.parse_keys("A:" + "x" * 32))
    assert resolve(login_as("station_officer"), foreign).json["code"] == "invalid_tag"


def test_who_may_issue_and_who_may_resolve(login_as, world):
    assert login_as("grid_worker").post(f"/api/v1/sites/{world['market_site']}/tag").status_code == 403
    assert login_as("station_officer").post(f"/api/v1/sites/{world['mall_site']}/tag").status_code == 404
    code = issue(login_as("station_officer_b"), world["mall_site"])["code"]
    assert resolve(login_as("grid_worker"), code).status_code == 404  # the mall is not in the worker's grid
    assert login_as("grid_worker").get("/api/v1/tags/1").status_code == 403  # reading tags by serial is a station's


def test_the_camera_url_opens_the_field_app_with_the_code(client, login_as, world):
    code = issue(login_as("station_officer"), world["market_site"])["code"]
    for path in (f"/S/{code}", f"/s/{code.lower()}"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/?tag={path[3:]}")


def test_label_sheets_for_a_street_issue_missing_tags_and_decode(login_as, world):
    station = login_as("station_officer")
    resp = station.post("/api/v1/labels", json={"area_id": world["street_a"]})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(resp.data)).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    decoded = {r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)}
    site_codes = {station.get(f"/api/v1/sites/{world[k]}/tag").json["url"] for k in ("market_site", "fire_lane")}
    assert decoded == site_codes  # both street A sites, each with a tag issued for the sheet
    assert station.post("/api/v1/labels", json={"site_ids": [str(world["mall_site"])]}).status_code == 404
    assert station.post("/api/v1/labels", json={}).status_code == 422


def test_the_cli_prints_a_street_of_labels(app, tmp_path, world):
    out = tmp_path / "labels.pdf"
    app.config["PUBLIC_BASE_URL"] = "https://safegrid.example.cn"
    try:
        result = app.test_cli_runner().invoke(args=["tags", "labels", "--area", "420103001", "--out", str(out)])
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert result.exit_code == 0, result.output
    page = PdfReader(out).pages[0]
    decoded = {r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)}
    assert len(decoded) == 2 and all(url.startswith("HTTPS://SAFEGRID.EXAMPLE.CN/S/") for url in decoded)


# ---- out of scope reads exactly like absent: the attacker's attempts ------------------------------------


@pytest.fixture
def tags(login_as, world):
    """For the market (street A) and the mall (street B): a revoked tag and the live one that replaced it."""
    made = {}
    for site, station in (("market_site", "station_officer"), ("mall_site", "station_officer_b")):
        caller = login_as(station)
        revoked = issue(caller, world[site])
        made[site] = {"revoked": revoked, "live": issue(caller, world[site])}
    return made


def signed(app, serial):
    with app.app_context():
        return qr.codes.sign(serial, tag_services.keyring())


def answer(resp):
    """All a caller gets: status, headers and body."""
    return resp.status_code, sorted(resp.headers.items()), resp.get_data()


def code_for(case, app, tags, inside, outside):
    live = tags[inside]["live"]["code"]
    return {
        "absent": signed(app, NEVER_ISSUED),
        "malformed": "NOT A CODE",
        "forged": live[:-1] + ("X" if live[-1] != "X" else "Y"),
        "in_scope": live,
        "in_scope_revoked": tags[inside]["revoked"]["code"],
        "out_of_scope": tags[outside]["live"]["code"],
        "out_of_scope_revoked": tags[outside]["revoked"]["code"],
        "out_of_scope_url": tags[outside]["live"]["url"],
    }[case]


# (person, a site in their scope, a site outside it)
RESOLVERS = [
    ("grid_worker", "market_site", "mall_site"),
    ("station_officer_b", "mall_site", "market_site"),
    ("enterprise_user", "market_site", "mall_site"),
]
# the code scanned → the answer; "absent" means the very answer a code for a tag never issued gets
RESOLVE = [
    ("absent", (404, "invalid_tag")),
    ("malformed", (404, "invalid_tag")),
    ("forged", (404, "invalid_tag")),
    ("in_scope", (200, None)),
    ("in_scope_revoked", (410, "revoked_tag")),
    ("out_of_scope", "absent"),
    ("out_of_scope_revoked", "absent"),
    ("out_of_scope_url", "absent"),
]


@pytest.mark.parametrize("person,inside,outside", RESOLVERS)
@pytest.mark.parametrize("case,expected", RESOLVE)
def test_resolving_a_tag_outside_your_scope_reads_as_no_tag(
    app, login_as, world, tags, person, inside, outside, case, expected
):
    caller = login_as(person)
    resp = resolve(caller, code_for(case, app, tags, inside, outside))
    if expected == "absent":
        assert answer(resp) == answer(resolve(caller, signed(app, NEVER_ISSUED)))
        assert "不在您的负责范围" in resp.json["message"]  # which also tells the honest scanner why
        return
    status, error_code = expected
    assert resp.status_code == status, resp.json
    if error_code:
        assert resp.json["code"] == error_code
    else:
        assert resp.json["site"]["id"] == resp.json["tag"]["site_id"] == str(world[inside])


def station_also_working_in_b(app, client, world):
    """A street A station officer who is also a grid worker in street B: sees the mall, manages only A's sites."""
    with app.app_context():
        user = make_user("station_officer", area_id=world["street_a"])
        user.roles += [RoleAssignment(role="grid_worker", area_id=world["grid_b1"])]
        db.session.flush()
        token = issue_token(user)
        db.session.commit()
    return Caller(client, user, token)


# who asks about which tag → whether it is theirs to read and revoke (else: exactly as a serial never issued)
BY_SERIAL = [
    ("station_officer", "market_site", "live", True),
    ("station_officer", "market_site", "revoked", True),
    ("station_officer", "mall_site", "live", False),
    ("station_officer", "mall_site", "revoked", False),
    ("station_officer_b", "market_site", "live", False),
    ("also_in_b", "mall_site", "live", False),  # a site they may see but not manage
    ("also_in_b", "market_site", "live", True),
    ("supervisor", "mall_site", "live", True),
]


@pytest.mark.parametrize("person,site,state,theirs", BY_SERIAL)
def test_a_tag_by_serial_outside_your_sites_reads_as_never_issued(
    app, client, login_as, world, tags, person, site, state, theirs
):
    caller = station_also_working_in_b(app, client, world) if person == "also_in_b" else login_as(person)
    tag = tags[site][state]
    url, absent = f"/api/v1/tags/{tag['serial']}", f"/api/v1/tags/{NEVER_ISSUED}"
    read = caller.get(url)
    if theirs:
        assert read.status_code == 200 and read.json["code"] == tag["code"]
        assert (read.json["revoked_at"] is None) == (state == "live")
        return
    assert answer(read) == answer(caller.get(absent))
    revoke = {"json": {"reason": "丢失"}, "headers": {"If-Match": '"any"'}}
    assert answer(caller.delete(url, **revoke)) == answer(caller.delete(absent, **revoke))
    assert answer(caller.delete(url, json={"reason": "丢失"})) == answer(caller.delete(absent, json={"reason": "丢失"}))
    if state == "live":  # still leads to its site
        assert resolve(login_as("supervisor"), tag["code"]).status_code == 200


def test_walking_the_sequential_serials_finds_only_your_own_tags(login_as, tags):
    # Serials stay sequential (they keep a code short): walking them now tells a station nothing of others' tags.
    station = login_as("station_officer_b")
    serials = [t["serial"] for pair in tags.values() for t in pair.values()]
    absent = answer(station.get(f"/api/v1/tags/{NEVER_ISSUED}"))
    found = set()
    for serial in range(max(1, min(serials) - 2), max(serials) + 3):
        resp = station.get(f"/api/v1/tags/{serial}")
        if resp.status_code == 200:
            found.add(serial)
        else:
            assert answer(resp) == absent, serial
    assert found == {t["serial"] for t in tags["mall_site"].values()}
