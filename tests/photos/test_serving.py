"""Serving photos: only to their uploader and to those whose scope covers a record citing them (404 for
everyone else), at content-addressed URLs with long-lived private caching; the original to offices only."""

import hashlib
import uuid

import pytest

from server.core.db import db
from server.photos import services
from tests.conftest import WORLD
from tests.photos.conftest import fetch, identity, make_photo, put


def cite(app, author, photo_id, *, grid, site=None, record_id=None):
    """A record made by `author` (a Caller) citing the photo, at the grid or site."""
    who = identity(app, author)
    with app.app_context():
        services.cite(
            [uuid.UUID(str(photo_id))],
            author=who,
            record_type="checkin",
            record_id=record_id or uuid.uuid4(),
            site_id=WORLD[site] if site else None,
            grid_id=WORLD[grid],
        )
        db.session.commit()


def states(app, viewer, *photo_ids):
    who = identity(app, viewer)
    with app.app_context():
        return services.photo_states([uuid.UUID(str(p)) for p in photo_ids], who)


def sees(caller, photo) -> bool:
    """Whether the caller gets the photo, its display copy and its thumbnail (all or none)."""
    codes = {
        caller.get(f"/api/v1/photos/{photo['id']}").status_code,
        fetch(caller, photo["urls"]["display"]).status_code,
        fetch(caller, photo["urls"]["thumb"]).status_code,
    }
    assert len(codes) == 1, codes
    return codes == {200}


# (viewer, where the citing record is: grid, site, visible?)
SCOPE = [
    ("grid_worker", "grid_a1", None, True),
    ("grid_worker", "grid_a2", "fire_lane", False),
    ("station_officer", "grid_a1", None, True),
    ("station_officer", "grid_a2", "fire_lane", True),
    ("station_officer_b", "grid_a1", "market_site", False),
    ("enterprise_user", "grid_a1", "market_site", True),
    ("enterprise_user", "grid_a1", None, False),  # the market's grid, but no site of theirs
    ("department_officer", "grid_a1", "market_site", True),  # a market, in the market bureau's sector
    ("department_officer", "grid_a2", "fire_lane", False),
    ("expert", "grid_a1", "market_site", False),  # the expert works in street B
    ("admin", "grid_b1", "mall_site", True),
]


@pytest.mark.parametrize("viewer,grid,site,visible", SCOPE)
def test_a_photo_is_seen_within_the_scope_of_a_record_citing_it(app, login_as, call_as, viewer, grid, site, visible):
    uploader = call_as("grid_worker", "grid_b1")
    photo = put(uploader, make_photo()).json
    caller = login_as(viewer)
    assert not sees(caller, photo)
    cite(app, uploader, photo["id"], grid=grid, site=site)  # the uploader's own record
    assert sees(caller, photo) is visible
    if not visible:
        absent = caller.get(f"/api/v1/photos/{uuid.uuid4()}")
        assert caller.get(f"/api/v1/photos/{photo['id']}").json == absent.json  # out of scope reads as absent


def test_the_uploader_sees_their_photo_and_a_worker_of_another_grid_only_once_it_is_cited_there(app, login_as, call_as):
    uploader = login_as("grid_worker")
    photo = put(uploader, make_photo()).json
    neighbour = call_as("grid_worker", "grid_a2")
    assert sees(uploader, photo) and not sees(neighbour, photo)
    cite(app, uploader, photo["id"], grid="grid_a1", site="market_site")
    assert not sees(neighbour, photo)
    cite(app, uploader, photo["id"], grid="grid_a2", site="fire_lane")
    assert sees(neighbour, photo)


def test_a_record_may_cite_a_photo_before_it_arrives(app, login_as):
    photo_id, record_id = uuid.uuid4(), uuid.uuid4()
    worker, officer = login_as("grid_worker"), login_as("station_officer")
    cite(app, worker, photo_id, grid="grid_a1", record_id=record_id)
    cite(app, worker, photo_id, grid="grid_a1", record_id=record_id)  # the record synced twice: one citation
    assert states(app, officer, photo_id) == {photo_id: "pending"}
    assert officer.get(f"/api/v1/photos/{photo_id}").status_code == 404
    put(worker, make_photo(), photo_id)
    assert states(app, officer, photo_id, unknown := uuid.uuid4()) == {photo_id: "ready", unknown: "pending"}
    assert officer.get(f"/api/v1/photos/{photo_id}").status_code == 200


def test_copies_are_content_addressed_and_cached_privately_for_a_year(login_as):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo()).json
    for copy in ("display", "thumb"):
        url = photo["urls"][copy]
        sha = url.rsplit("/", 1)[1].removesuffix(".jpg")
        response = fetch(caller, url)
        assert response.status_code == 200 and hashlib.sha256(response.data).hexdigest() == sha
        assert response.headers["ETag"] == f'"{sha}"' and response.headers["X-Content-Type-Options"] == "nosniff"
        assert set(response.headers["Cache-Control"].split(", ")) == {"private", "max-age=31536000", "immutable"}
        again = fetch(caller, url, **{"If-None-Match": f'"{sha}"'})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == f'"{sha}"'
        assert "immutable" in again.headers["Cache-Control"]
        stale = fetch(caller, url.replace(sha, "0" * 64))
        assert stale.status_code == 404 and stale.json["code"] == "not_found"


def test_the_original_is_only_for_offices_in_scope(app, login_as):
    worker = login_as("grid_worker")
    data = make_photo("PNG")
    photo = put(worker, data).json
    cite(app, worker, photo["id"], grid="grid_a1", site="market_site")
    assert worker.get(f"/api/v1/photos/{photo['id']}/original").status_code == 403  # not even their own

    officer = login_as("station_officer")
    described = officer.get(f"/api/v1/photos/{photo['id']}").json
    original = fetch(officer, described["urls"]["original"])
    assert original.status_code == 200 and original.data == data and original.mimetype == "image/png"
    assert original.headers["ETag"] == f'"{photo["sha256"]}"' and "private" in original.headers["Cache-Control"]
    unchanged = fetch(officer, described["urls"]["original"], **{"If-None-Match": original.headers["ETag"]})
    assert unchanged.status_code == 304
    assert login_as("station_officer_b").get(f"/api/v1/photos/{photo['id']}/original").status_code == 404


def test_copies_of_a_photo_that_is_not_ready_are_not_found(app, login_as, monkeypatch):
    from server.photos import images

    monkeypatch.setattr(images, "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no copies today")))
    caller = login_as("grid_worker")
    photo = put(caller, make_photo(orientation=6)).json  # turned: its copies are the job's
    assert photo["state"] == "failed" and photo["urls"] == {}
    response = fetch(caller, f"/api/v1/photos/{photo['id']}/display/{'a' * 64}.jpg")
    assert response.status_code == 404


def test_malformed_ids_and_kinds_are_not_found(login_as):
    caller = login_as("grid_worker")
    assert caller.get("/api/v1/photos/not-a-uuid").json["code"] == "malformed_id"
    assert caller.get(f"/api/v1/photos/{uuid.uuid4()}/original.jpg").status_code == 404
    assert caller.get(f"/api/v1/photos/{uuid.uuid4()}/poster/{'a' * 64}.jpg").status_code == 404
