"""Checklists come to the phone through the delta feed: the published ones in the snapshot, then each new version."""

from tests.inspections.factory import published, template_body
from tests.sync.test_feed import ids, sync


def test_published_checklists_come_through_the_feed_and_drafts_do_not(login_as):
    admin, worker = login_as("admin"), login_as("grid_worker")
    first = published(admin)
    draft = admin.post("/api/v1/inspection-templates", json=template_body(name="草稿")).json
    snapshot, cursor, _ = sync(worker)
    assert ids(snapshot, "template") == [first["id"]]
    sent = next(change for change in snapshot if change["kind"] == "template")["data"]
    assert sent["sections"][0]["items"][0]["text"] == "安全出口、疏散通道畅通" and sent["state"] == "published"
    etag = admin.get(f"/api/v1/inspection-templates/{first['id']}").headers["ETag"]
    second = admin.patch(
        f"/api/v1/inspection-templates/{first['id']}", json={"name": "社区巡查表"}, headers={"If-Match": etag}
    ).json
    assert ids(sync(worker, cursor)[0], "template") == []  # the next version, still a draft
    admin.post(f"/api/v1/inspection-templates/{second['id']}/publish")
    changes = sync(worker, cursor)[0]
    states = {c["id"]: c["data"]["state"] for c in changes if c["kind"] == "template"}
    assert states == {first["id"]: "archived", second["id"]: "published"}
    assert draft["id"] not in states
