"""A draw of a tenth of the markets with two inspectors each, a declared conflict recused, published without
login, verified by re-running it; a changed snapshot fails the verification."""

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from server.core.db import db
from server.core.i18n import SHANGHAI
from server.draws import services
from server.draws.algorithm import canonical, sha256_hex
from server.draws.models import Draw
from server.evidence.services import timeline, verify as verify_chain
from server.people.models import User
from tests.conftest import WORLD, uid
from tests.draws.conftest import SEED, draw_body
from tests.inspections.factory import inspection_body, published


def drawn_and_published(supervisor, body):
    made = supervisor.post("/api/v1/draws", json=body)
    assert made.status_code == 201, made.json
    ran = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED})
    assert ran.status_code == 200, ran.json
    out = supervisor.post(f"/api/v1/draws/{body['id']}/publish")
    assert out.status_code == 200, out.json
    return out.json


def tie_to_first_target(app, officers, body):
    """Declare, as the officer the draw would take first for its first target, a tie to that target's enterprise
    (found by running the algorithm on the registers as they stand, with the seed the test knows)."""
    from server.areas.models import Area
    from server.draws import algorithm

    with app.test_request_context():
        area = db.session.get(Area, body["area_id"])
        targets = services.target_register(area, ["market"], [])
        people = services.inspector_register(area, None, {t["enterprise_id"] for t in targets})
        first = algorithm.draw(targets, people, algorithm.Parameters("0.1", None, 2), algorithm.seed_key(SEED))
    site_id = first["assignments"][0]["site_id"]
    enterprise_id = next(t["enterprise_id"] for t in targets if t["id"] == site_id)
    tied = next(o for o in officers if str(o.user.id) == first["assignments"][0]["inspector_ids"][0])
    declared = tied.post(
        "/api/v1/conflicts", json={"id": uid(), "enterprise_id": enterprise_id, "reason": "配偶任该公司法定代表人"}
    )
    assert declared.status_code == 201, declared.json
    return tied, site_id


def test_a_tenth_of_the_markets_two_inspectors_each_a_conflict_recused_published_and_verified(
    app, client, login_as, markets, officers
):
    supervisor = login_as("supervisor")
    body = draw_body()
    tied, tied_site = tie_to_first_target(app, officers, body)

    made = supervisor.post("/api/v1/draws", json=body)
    assert made.status_code == 201, made.json
    assert made.json["state"] == "committed" and made.json["seed"] is None
    assert made.json["seed_commitment"] == sha256_hex(SEED)
    assert client.get(f"/api/v1/public/draws/{body['id']}").status_code == 404  # not public before it is published

    wrong = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": "another seed"})
    assert wrong.status_code == 422 and wrong.json["code"] == "seed_mismatch"
    ran = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED})
    assert ran.status_code == 200, ran.json
    assert ran.json["state"] == "drawn" and ran.json["candidates"] == 30 and ran.json["drawn"] == 3
    for target in ran.json["targets"]:
        assert len({p["name"] for p in target["inspectors"]}) == 2
    first = ran.json["targets"][0]
    assert tied.user.name not in [p["name"] for p in first["inspectors"]]  # recused from the enterprise tied to

    again = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED})
    assert again.status_code == 200 and again.json["targets"] == ran.json["targets"]  # idempotent
    other = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": "x"})
    assert other.status_code == 409 and other.json["code"] == "already_drawn"

    assert supervisor.post(f"/api/v1/draws/{body['id']}/publish").status_code == 200
    listed = client.get("/api/v1/public/draws")  # no login
    assert listed.status_code == 200 and body["id"] in [d["id"] for d in listed.json]
    shown = client.get(f"/api/v1/public/draws/{body['id']}")
    assert shown.status_code == 200
    assert shown.json["seed"] == SEED and shown.json["targets"] == ran.json["targets"]
    inspectors = {p["name"]: p["certificate_no"] for t in shown.json["targets"] for p in t["inspectors"]}
    assert all(number.startswith("4201030") for number in inspectors.values())
    text = shown.get_data(as_text=True)
    for officer in officers:
        assert officer.user.phone not in text
    assert "配偶" not in client.get(f"/api/v1/public/draws/{body['id']}/record").get_data(as_text=True)

    verified = client.get(f"/api/v1/public/draws/{body['id']}/verify")
    assert verified.status_code == 200 and verified.json["ok"], verified.json
    page = client.get(f"/public/draws/{body['id']}")
    assert page.status_code == 200 and "农贸市场安全生产监督检查" in page.get_data(as_text=True)
    assert next(iter(inspectors)) in page.get_data(as_text=True)
    assert "复核通过" in client.get(f"/public/draws/{body['id']}/verify").get_data(as_text=True)

    with app.app_context():
        site_id, inspector_ids, _start, _end = services.assignments(db.session.get(Draw, uuid.UUID(body["id"])))[0]
        assert str(site_id) == tied_site and tied.user.id not in inspector_ids
        assert [e.action for e in timeline("draw", body["id"])] == ["commit", "draw", "publish"]
        assert verify_chain()[1] is None


def tamper(app, draw_id, **values):
    with app.app_context():
        db.session.execute(update(Draw).where(Draw.id == uuid.UUID(draw_id)).values(**values))
        db.session.commit()


def changed_snapshot(app, draw_id) -> str:
    with app.app_context():
        snapshot = json.loads(db.session.scalar(select(Draw.targets_snapshot).where(Draw.id == uuid.UUID(draw_id))))
    snapshot[0]["enterprise_name"] = "另一家公司"
    return canonical(snapshot)


def failing(client, draw_id) -> dict:
    verified = client.get(f"/api/v1/public/draws/{draw_id}/verify")
    assert verified.status_code == 200
    return {c["name"]: c["detail"] for c in verified.json["checks"] if not c["ok"]}


def test_a_changed_snapshot_fails_the_verification_with_its_reason(app, client, login_as, markets, officers):
    body = draw_body()
    drawn_and_published(login_as("supervisor"), body)
    draw_id = body["id"]
    text = changed_snapshot(app, draw_id)
    tamper(app, draw_id, targets_snapshot=text)
    failed = failing(client, draw_id)
    assert list(failed) == ["targets_sha256"]
    assert "changed" in failed["targets_sha256"]
    page = client.get(f"/public/draws/{draw_id}/verify").get_data(as_text=True)
    assert "复核未通过" in page and "名录库与公布的 SHA-256 不符" in page

    # the snapshot's hash changed with it: the chain still holds the hash taken when the seed was committed
    tamper(app, draw_id, targets_sha256=sha256_hex(text))
    assert list(failing(client, draw_id)) == ["chain.targets_sha256"]


def test_the_cli_verifies_a_draw_and_its_exported_record(app, client, login_as, markets, officers, tmp_path):
    body = draw_body()
    drawn_and_published(login_as("supervisor"), body)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["draws", "verify", body["id"]]).exit_code == 0
    record = client.get(f"/api/v1/public/draws/{body['id']}/record").json
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = runner.invoke(args=["draws", "verify", "--file", str(path)])
    assert out.exit_code == 0 and "the draw verifies" in out.output
    record["targets_snapshot"] = changed_snapshot(app, body["id"])
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = runner.invoke(args=["draws", "verify", "--file", str(path)])
    assert out.exit_code == 1 and "FAIL targets_sha256" in out.output


def test_bad_draws_are_refused_with_what_is_wrong(app, login_as, markets, officers):
    supervisor = login_as("supervisor")
    cases = [
        (draw_body(share=1.5), 422, "validation_error"),
        (draw_body(count=3), 422, "validation_error"),  # a share and a count
        (draw_body(period_end="2026-11-30"), 422, "validation_error"),
        (draw_body(seed_commitment="abc"), 422, "validation_error"),
        (draw_body(per_target=6), 422, "validation_error"),
        (draw_body(site_types=["gas_station"]), 422, "no_targets"),
        (draw_body(area_id=999_999), 404, "not_found"),
        (draw_body(template_family_id=uid()), 422, "no_such_template"),
    ]
    for body, status, code in cases:
        answer = supervisor.post("/api/v1/draws", json=body)
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["code"] == code


def test_inspectors_who_left_are_not_in_the_register(app, login_as, markets, officers):
    with app.app_context():
        for officer in officers[1:]:
            db.session.execute(update(User).where(User.id == officer.user.id).values(is_active=False))
        db.session.commit()
    answer = login_as("supervisor").post("/api/v1/draws", json=draw_body())
    assert answer.status_code == 422 and answer.json["code"] == "too_few_inspectors"
    assert "1 人" in answer.json["message"]


def test_a_target_no_inspector_may_be_drawn_for_is_refused_before_the_seed_is_known(app, login_as, markets, officers):
    for officer in officers[:4]:  # four of five tied to the world's market: one is left, two are needed
        officer.post("/api/v1/conflicts", json={"id": uid(), "enterprise_id": str(WORLD["market"]), "reason": "亲属"})
    answer = login_as("supervisor").post("/api/v1/draws", json=draw_body())
    assert answer.status_code == 422 and answer.json["code"] == "no_eligible_inspectors"
    assert "测试农贸市场" in answer.json["message"]


def test_creating_again_is_idempotent_and_another_body_under_the_id_is_a_conflict(login_as, markets, officers):
    supervisor = login_as("supervisor")
    body = draw_body()
    assert supervisor.post("/api/v1/draws", json=body).status_code == 201
    again = supervisor.post("/api/v1/draws", json=body)
    assert again.status_code == 200 and again.json["id"] == body["id"]
    other = supervisor.post("/api/v1/draws", json={**body, "matter": "另一事项"})
    assert other.status_code == 409 and other.json["code"] == "id_conflict"


def test_publishing_needs_a_draw_and_only_supervisors_and_admins_run_them(login_as, markets, officers):
    supervisor = login_as("supervisor")
    body = draw_body()
    supervisor.post("/api/v1/draws", json=body)
    early = supervisor.post(f"/api/v1/draws/{body['id']}/publish")
    assert early.status_code == 409 and early.json["code"] == "not_drawn"
    assert supervisor.post(f"/api/v1/draws/{body['id']}/run", json={}).json["code"] == "seed_required"
    for person in ("grid_worker", "station_officer", "enforcement_officer", "enterprise_user"):
        assert login_as(person).post("/api/v1/draws", json=draw_body()).status_code == 403
    # an admin of street B neither sees a district draw nor may draw over the district
    admin = login_as("admin")
    assert admin.get(f"/api/v1/draws/{body['id']}").status_code == 404
    assert admin.post("/api/v1/draws", json=draw_body()).status_code == 404


def test_a_seed_the_server_makes_is_kept_until_the_draw(login_as, client, markets, officers):
    supervisor = login_as("supervisor")
    body = {k: v for k, v in draw_body().items() if k != "seed_commitment"}
    made = supervisor.post("/api/v1/draws", json=body).json
    assert made["seed"] is None and len(made["seed_commitment"]) == 64
    ran = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={}).json
    assert sha256_hex(ran["seed"]) == made["seed_commitment"]


def test_a_public_value_announced_ahead_is_mixed_into_the_seed(login_as, client, markets, officers):
    supervisor = login_as("supervisor")
    body = draw_body(public_value_source="2026年12月10日福彩3D开奖号码")
    supervisor.post("/api/v1/draws", json=body)
    missing = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED})
    assert missing.status_code == 422 and missing.json["code"] == "public_value_required"
    ran = supervisor.post(f"/api/v1/draws/{body['id']}/run", json={"seed": SEED, "public_value": "386"})
    assert ran.status_code == 200 and ran.json["public_value"] == "386"
    supervisor.post(f"/api/v1/draws/{body['id']}/publish")
    assert client.get(f"/api/v1/public/draws/{body['id']}/verify").json["ok"]


def test_assignments_give_each_target_its_inspectors_and_the_period(app, login_as, markets, officers):
    body = draw_body()
    shown = drawn_and_published(login_as("supervisor"), body)
    with app.app_context():
        found = services.assignments(db.session.get(Draw, uuid.UUID(body["id"])))
    assert len(found) == 3
    names = {str(o.user.id): o.user.name for o in officers}
    for (_site_id, inspector_ids, start, end), target in zip(found, shown["targets"], strict=True):
        assert [names[str(i)] for i in inspector_ids] == [p["name"] for p in target["inspectors"]]
        assert (start.isoformat(), end.isoformat()) == ("2026-12-01", "2026-12-31")


def test_conflicts_are_the_declarers_and_their_supervisors(login_as, officers):
    officer = officers[0]
    body = {"id": uid(), "enterprise_id": str(WORLD["mall"]), "reason": "曾在该公司任职"}
    assert officer.post("/api/v1/conflicts", json=body).status_code == 201
    again = officer.post("/api/v1/conflicts", json={**body, "id": uid()})
    assert again.status_code == 200 and again.json["id"] == body["id"]
    assert [d["id"] for d in officer.get("/api/v1/conflicts").json] == [body["id"]]
    assert body["id"] in [d["id"] for d in login_as("supervisor").get("/api/v1/conflicts").json]
    assert officers[1].get("/api/v1/conflicts").json == []
    assert login_as("grid_worker").post("/api/v1/conflicts", json={**body, "id": uid()}).status_code == 403


def test_the_inspections_of_the_drawn_inspectors_are_published_with_the_draw(app, client, login_as, markets, officers):
    today = datetime.now(SHANGHAI).date()
    body = draw_body(
        period_start=(today - timedelta(days=2)).isoformat(), period_end=(today + timedelta(days=30)).isoformat()
    )
    shown = drawn_and_published(login_as("supervisor"), body)
    tamper(app, body["id"], drawn_at=datetime.now(UTC) - timedelta(days=1))  # drawn yesterday
    first = shown["targets"][0]
    assert first["inspection"] is None
    template = published(login_as("district_admin"))  # after the draw was made: the draw names none
    with app.app_context():
        site_id = services.assignments(db.session.get(Draw, uuid.UUID(body["id"])))[0][0]
    inspector = next(o for o in officers if o.user.name == first["inspectors"][0]["name"])
    before = inspection_body(
        template,
        site_id,
        finished_at=(datetime.now(UTC) - timedelta(days=2)).isoformat(),
        started_at=(datetime.now(UTC) - timedelta(days=2, minutes=20)).isoformat(),
    )
    assert inspector.post("/api/v1/inspections", json=before).status_code == 201
    assert client.get(f"/api/v1/public/draws/{body['id']}").json["targets"][0]["inspection"] is None  # before the draw
    submitted = inspector.post("/api/v1/inspections", json=inspection_body(template, site_id, mode="double_random"))
    assert submitted.status_code == 201, submitted.json
    outcome = client.get(f"/api/v1/public/draws/{body['id']}").json["targets"][0]["inspection"]
    assert outcome["passed"] is True and outcome["percentage"] == 100
    assert "合格" in client.get(f"/public/draws/{body['id']}").get_data(as_text=True)


def test_the_draw_names_the_checklist_its_inspections_use(login_as, markets, officers):
    template = published(login_as("district_admin"))
    body = draw_body(template_family_id=template["family_id"])
    made = login_as("supervisor").post("/api/v1/draws", json=body)
    assert made.status_code == 201, made.json
    assert made.json["template_family_id"] == template["family_id"]
