"""Checklists come to the phone through the delta feed: the published ones in the snapshot, then each new version;
so do the inspections the user took part in, and the sector of a site's enterprise (what a checklist applies by)."""

from datetime import UTC, datetime, timedelta

from tests.conftest import uid
from tests.inspections.factory import answers, inspection_body, published, template_body
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


def test_an_inspection_comes_to_each_of_its_inspectors_and_to_no_one_else(login_as, world):
    admin = login_as("admin")
    template = published(admin)
    lead, co, expert, other = (login_as(p) for p in ("station_officer", "grid_worker", "expert", "grid_worker"))
    cursors = {who: sync(who)[1] for who in (lead, co, expert, other)}
    body = inspection_body(
        template,
        world["market_site"],
        co_inspector_ids=[str(co.user.id)],
        expert_ids=[str(expert.user.id)],
        answers=answers(ebikes="fail"),
        acknowledgement={"name": "张经理", "signature_photo_id": uid()},
    )
    body["answers"][3].update(note="楼道内充电", raise_hazard=True)
    made = lead.post("/api/v1/inspections", json=body)
    assert made.status_code == 201, made.json
    for who in (lead, co, expert):  # after their cursor, and in a first sync's snapshot
        for changes in (sync(who, cursors[who])[0], sync(who)[0]):
            assert ids(changes, "inspection") == [body["id"]]
    assert ids(sync(other, cursors[other])[0], "inspection") == [] == ids(sync(other)[0], "inspection")

    sent = next(c for c in sync(co)[0] if c["kind"] == "inspection")["data"]
    assert (sent["template_name"], sent["site_name"], sent["mode"]) == ("测试巡查表", "测试农贸市场", "routine_patrol")
    assert [(p["user_id"], p["role"]) for p in sent["inspectors"]] == [
        (str(lead.user.id), "lead"),
        (str(co.user.id), "co"),
        (str(expert.user.id), "expert"),
    ]
    assert (sent["revision"], sent["points"], sent["passed"], sent["acknowledged_by"]) == (1, 0, False, "张经理")
    assert sent["hazards"] == [{"item": "ebikes", "hazard_id": made.json["hazards"][0]["hazard_id"]}]
    assert "answers" not in sent  # a summary: the phone reads the whole online


def test_an_old_inspection_is_not_in_the_snapshot_but_its_correction_comes_through(login_as, world):
    template = published(login_as("admin"))
    worker = login_as("grid_worker")
    finished = datetime.now(UTC) - timedelta(days=40)
    old = inspection_body(
        template,
        world["market_site"],
        started_at=(finished - timedelta(minutes=20)).isoformat(),
        finished_at=finished.isoformat(),
    )
    assert worker.post("/api/v1/inspections", json=old).status_code == 201
    recent = inspection_body(template, world["market_site"])
    assert worker.post("/api/v1/inspections", json=recent).status_code == 201
    snapshot, cursor, _ = sync(worker)
    assert ids(snapshot, "inspection") == [recent["id"]]  # the last 30 days

    correction = {"id": uid(), "based_on": 1, "reason": "补记", "answers": answers(drills="no_record")}
    assert worker.post(f"/api/v1/inspections/{old['id']}/corrections", json=correction).status_code == 201
    changes = sync(worker, cursor)[0]
    assert [(c["id"], c["data"]["revision"], c["data"]["points"]) for c in changes if c["kind"] == "inspection"] == [
        (old["id"], 2, 27)
    ]


def test_a_sites_enterprise_comes_with_its_sector(login_as, world):
    site = next(c for c in sync(login_as("grid_worker"))[0] if c["kind"] == "site")["data"]
    assert site["enterprise"] == {"id": str(world["market"]), "name": "测试农贸市场有限公司", "sector": "market"}
