"""The delta feed: a phone's first sync brings its scope, later ones only what changed, once each."""

from tests.hazards.test_loop import act, report
from tests.incidents.test_incidents import act as incident_act, report as incident_report

FEED = "/api/v1/sync/changes"


def sync(caller, cursor=None, limit=500):
    """Page through the feed as the field app does: (changes by id, in order; the final cursor; calls)."""
    seen, calls = [], 0
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        resp = caller.get(FEED, query_string=query)
        assert resp.status_code == 200, resp.json
        seen += resp.json["changes"]
        cursor, calls = resp.json["cursor"], calls + 1
        if not resp.json["more"]:
            return seen, cursor, calls


def ids(changes, kind):
    return [change["id"] for change in changes if change["kind"] == kind]


def test_a_first_sync_brings_the_scope_and_nothing_beyond_it(login_as, world):
    worker, station_b = login_as("grid_worker"), login_as("station_officer_b")
    mine = report(worker, world)
    report(station_b, world, site_id=str(world["mall_site"]))  # another street's
    changes, cursor, _ = sync(worker)
    assert ids(changes, "site") == [str(world["market_site"])]  # their grid's one site, not the street's others
    assert ids(changes, "hazard") == [mine["id"]]
    hazard = next(c for c in changes if c["kind"] == "hazard")["data"]
    assert hazard["state"] == "reported" and hazard["photos"][0]["state"] == "pending"
    assert sync(worker, cursor)[0] == []  # nothing new since


def test_later_syncs_bring_each_changed_record_once_in_its_latest_state(login_as, world):
    worker, station, station_b = login_as("grid_worker"), login_as("station_officer"), login_as("station_officer_b")
    _, cursor, _ = sync(worker)
    hazard = report(worker, world)
    assert act(station, hazard["id"], "acknowledge").status_code == 200
    report(station_b, world, site_id=str(world["mall_site"]))  # not theirs: passed over
    changes, cursor, _ = sync(worker, cursor)
    assert ids(changes, "hazard") == [hazard["id"]]
    assert changes[0]["data"]["state"] == "acknowledged"
    # the ETag the feed gave is good for the next change, as a phone that synced offline would send it
    notice = act(
        station,
        hazard["id"],
        "issue_notice",
        responsible_party="测试农贸市场有限公司",
        if_match=f'"{sync(station, None)[0][-1]["etag"]}"',
    )
    assert notice.status_code == 200, notice.json
    assert [c["data"]["state"] for c in sync(worker, cursor)[0]] == ["rectifying"]


def test_a_small_limit_pages_without_losing_or_repeating(login_as, world):
    worker = login_as("grid_worker")
    _, cursor, _ = sync(worker)
    reported = [report(worker, world)["id"] for _ in range(5)]
    changes, _, calls = sync(worker, cursor, limit=2)
    assert ids(changes, "hazard") == reported and calls == 3
    first, _, calls = sync(worker, None, limit=2)  # the snapshot pages too
    assert ids(first, "hazard") == sorted(reported) and ids(first, "site") == [str(world["market_site"])]
    # 1 site, 2 + 2 + 1 hazards, 1 of templates (none), 1 of inspections (none), 1 of tasks (none), 1 of warnings
    # (none), 1 of incidents (none), then the changes since: none
    assert calls == 10


def test_a_new_tag_or_an_edit_sends_the_site_again_with_its_live_tag_code(login_as, world):
    worker, admin = login_as("grid_worker"), login_as("district_admin")
    changes, cursor, _ = sync(worker)
    assert changes[0]["data"]["tag_code"] is None
    tag = admin.post(f"/api/v1/sites/{world['market_site']}/tag")
    assert tag.status_code == 201, tag.json
    changes, cursor, _ = sync(worker, cursor)
    assert [(c["kind"], c["data"]["tag_code"]) for c in changes] == [("site", tag.json["code"])]

    site = admin.get(f"/api/v1/sites/{world['market_site']}")
    edited = admin.patch(
        f"/api/v1/sites/{world['market_site']}",
        json={"address": "江汉区新址1号"},
        headers={"If-Match": site.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.json
    admin.post(f"/api/v1/sites/{world['mall_site']}/tag")  # another grid's
    changes, _, _ = sync(worker, cursor)
    assert [c["data"]["address"] for c in changes] == ["江汉区新址1号"]


def test_a_cursor_the_server_did_not_give_is_refused_in_the_error_shape(login_as):
    worker = login_as("grid_worker")
    for cursor in ("abc", "12.tags.", "3.sites.not-a-uuid", "-1"):
        resp = worker.get(FEED, query_string={"cursor": cursor})
        assert resp.status_code == 422 and "cursor" in resp.json["errors"]["query"], cursor
    assert worker.get(FEED, query_string={"limit": 0}).status_code == 422


def test_the_feed_needs_a_login(client):
    assert client.get(FEED).status_code == 401


def test_an_enterprise_sees_its_own_hazards_and_sites(login_as, world):
    enterprise, worker, station = login_as("enterprise_user"), login_as("grid_worker"), login_as("station_officer")
    theirs = report(worker, world)
    report(station, world, site_id=str(world["fire_lane"]))  # a fire lane: no enterprise's
    changes, _, _ = sync(enterprise)
    assert ids(changes, "hazard") == [theirs["id"]]
    assert set(ids(changes, "site")) <= {str(world["market_site"])}


def test_the_feed_carries_the_incidents_in_scope_only(login_as, world):
    worker, station, station_b = login_as("grid_worker"), login_as("station_officer"), login_as("station_officer_b")
    ours = incident_report(worker, world)
    theirs = incident_report(station_b, world, grid_id=world["grid_b1"], address="花楼街道某处")
    snapshot, cursor, _ = sync(worker)
    assert ids(snapshot, "incident") == [ours["id"]]  # their own street's, never another's
    assert ids(sync(station)[0], "incident") == [ours["id"]]
    assert ids(sync(station_b)[0], "incident") == [theirs["id"]]
    assert sorted(ids(sync(login_as("supervisor"))[0], "incident")) == sorted([ours["id"], theirs["id"]])
    kept = next(c for c in snapshot if c["kind"] == "incident")
    assert kept["data"]["state"] == "received" and kept["data"]["trapped"] == 3
    _, cursor_b, _ = sync(station_b)
    assert incident_act(station, ours["id"], "forward").status_code == 200
    later = [c for c in sync(worker, cursor)[0] if c["kind"] == "incident"]
    assert [c["data"]["state"] for c in later] == ["forwarded"]
    # the ETag a step offline sends back as If-Match: the one a read gives
    assert f'"{later[0]["etag"]}"' == worker.get(f"/api/v1/incidents/{ours['id']}").headers["ETag"]
    assert ids(sync(station_b, cursor_b)[0], "incident") == []
