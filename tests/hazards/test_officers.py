"""Enforcement officers order rectification (责令限期整改指令书, two officers signing with their certificate numbers);
stations invite experts, who record findings (专家意见) and enforce nothing."""

import io
import re
import uuid
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from server.core.db import db
from server.hazards.models import HazardClock
from tests.conftest import uid
from tests.hazards.test_loop import act, later, report
from tests.paperwork.test_pdf import text_of


def inbox(caller):
    return [(n["kind"], n["hazard_id"]) for n in caller.get("/api/v1/inbox").json]


@pytest.fixture
def officers(login_as):
    """Two district enforcement officers with certificate numbers, and an acknowledged hazard in street A."""
    issuer = login_as("enforcement_officer", name="李执法", certificate_no="42010300000101")
    second = login_as("enforcement_officer", name="王执法", certificate_no="42010300000102")
    return issuer, second


@pytest.fixture
def acknowledged(login_as, world):
    hazard = report(login_as("grid_worker"), world)
    act(login_as("station_officer"), hazard["id"], "acknowledge")
    return hazard


def order(caller, hazard_id, co_signer, **changes):
    payload = {
        "deadline": later(10),
        "requirements": "立即清理安全出口杂物，保持疏散通道畅通",
        "co_signer": str(co_signer),
        **changes,
    }
    return act(caller, hazard_id, "order_rectification", **payload)


def test_an_order_sets_the_deadline_tells_the_enterprise_and_issues_a_signed_numbered_order(
    app, login_as, world, officers, acknowledged
):
    issuer, second = officers
    enterprise = login_as("enterprise_user")
    deadline = later(10)
    done = order(issuer, acknowledged["id"], second.user.id, deadline=deadline)
    assert done.status_code == 200, done.json
    assert done.json["state"] == "rectifying" and done.json["deadline"].startswith(deadline[:16])
    assert ("ordered", acknowledged["id"]) in inbox(enterprise)
    with app.app_context():  # timed as a notice's deadline is: a warning ahead of it, overdue at it
        clocks = db.session.scalars(
            select(HazardClock).where(HazardClock.hazard_id == uuid.UUID(acknowledged["id"]))
        ).all()
        assert {c.kind for c in clocks} >= {"deadline_near", "overdue"}
        assert [c.due_at.isoformat() for c in clocks if c.kind == "overdue"] == [done.json["deadline"]]

    [document] = enterprise.get(f"/api/v1/hazards/{acknowledged['id']}/documents").json
    assert document["kind"] == "enforcement_order" and document["state"] == "ready"
    assert re.fullmatch(r"江汉应急责改〔20\d\d〕第\d{4}号", document["number"])
    pdf = enterprise.get(f"/api/v1/hazards/{acknowledged['id']}/documents/{document['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(PdfReader(io.BytesIO(pdf.data)))
    assert "责令限期整改指令书" in text and document["number"] in text
    for name, number in (("李执法", "42010300000101"), ("王执法", "42010300000102")):
        assert name in text and f"证号：{number}" in text
    assert "立即清理安全出口杂物" in text and "测试农贸市场有限公司" in text and "送达回执" in text

    timeline = issuer.get(f"/api/v1/hazards/{acknowledged['id']}/timeline").json
    step = timeline[-1]
    assert step["action"] == "order_rectification" and step["data"]["co_signer_name"] == "王执法"

    # the co-signer has it among their orders as well as the issuer; neither is anyone else's
    for caller in (issuer, second):
        listed = caller.get("/api/v1/hazards", query_string={"ordered_by": "me", "open": "true"}).json
        assert [h["id"] for h in listed] == [acknowledged["id"]]
    other = login_as("enforcement_officer", certificate_no="42010300000103")
    assert other.get("/api/v1/hazards", query_string={"ordered_by": "me"}).json == []


def test_an_order_also_applies_while_rectifying_and_its_deadline_replaces_the_notice_s(
    login_as, officers, acknowledged
):
    issuer, second = officers
    station = login_as("station_officer")
    noticed = act(
        station, acknowledged["id"], "issue_notice", deadline=later(20), responsible_party="测试农贸市场有限公司"
    )
    done = order(issuer, acknowledged["id"], second.user.id, deadline=later(5))
    assert done.status_code == 200 and done.json["state"] == "rectifying"
    assert datetime.fromisoformat(done.json["deadline"]) < datetime.fromisoformat(noticed.json["deadline"])
    assert done.json["responsible_party"] == "测试农贸市场有限公司"  # kept when not given anew
    assert order(issuer, acknowledged["id"], second.user.id, deadline=later(-1)).status_code == 422


@pytest.mark.parametrize(
    "person, allowed",
    [
        ("grid_worker", False),
        ("station_officer", False),
        ("department_officer", False),
        ("enterprise_user", False),
        ("expert", False),
        ("supervisor", False),
        ("district_admin", False),
        ("enforcement_officer", True),
    ],
)
def test_only_enforcement_officers_may_order_rectification(login_as, officers, acknowledged, person, allowed):
    _, second = officers
    caller = login_as(person, certificate_no="42010300000199")
    seen = caller.get(f"/api/v1/hazards/{acknowledged['id']}")
    if seen.status_code == 200:
        assert ("order_rectification" in seen.json["allowed_actions"]) is allowed
    done = order(caller, acknowledged["id"], second.user.id)
    assert done.status_code == (200 if allowed else 403 if seen.status_code == 200 else 404), done.json


def test_the_co_signer_must_be_another_certified_enforcement_officer_whose_scope_covers_the_hazard(
    login_as, world, officers, acknowledged
):
    issuer, _ = officers
    uncertified = login_as("enforcement_officer")
    station = login_as("station_officer", certificate_no="42010300000202")
    cases = {
        "yourself": issuer.user.id,
        "a station officer": station.user.id,
        "no certificate": uncertified.user.id,
        "no one": uuid.uuid4(),
    }
    for case, who in cases.items():
        refused = order(issuer, acknowledged["id"], who)
        assert refused.status_code == 422, case
        assert refused.json["code"] == "validation_error" and "co_signer" in refused.json["errors"]["json"], case
    missing = act(issuer, acknowledged["id"], "order_rectification", deadline=later(5), requirements="整改")
    assert missing.status_code == 422 and "co_signer" in missing.json["errors"]["json"]
    assert station.get(f"/api/v1/hazards/{acknowledged['id']}").json["state"] == "acknowledged"  # nothing changed


def test_a_co_signer_whose_scope_does_not_cover_the_hazard_and_an_issuer_without_a_number_are_refused(
    app, login_as, world, officers, acknowledged
):
    from server.people.models import RoleAssignment, User

    issuer, second = officers
    other_street = login_as("enforcement_officer", certificate_no="42010300000301")
    with app.app_context():  # an officer of street B only
        user = db.session.get(User, other_street.user.id)
        user.roles = [RoleAssignment(role="enforcement_officer", area_id=world["street_b"])]
        db.session.commit()
    refused = order(issuer, acknowledged["id"], other_street.user.id)
    assert refused.status_code == 422 and "co_signer" in refused.json["errors"]["json"]

    unnumbered = login_as("enforcement_officer")
    refused = order(unnumbered, acknowledged["id"], second.user.id)
    assert refused.status_code == 422 and refused.json["code"] == "certificate_required"
    assert "执法证号" in refused.json["message"]


def test_a_station_invites_an_expert_who_then_records_a_finding(app, login_as, world, acknowledged):
    station = login_as("station_officer")
    expert = login_as("expert", name="赵专家")
    with app.app_context():  # an expert of the whole district
        _move_to(expert.user.id, "expert", world["district"])
    before = expert.get(f"/api/v1/hazards/{acknowledged['id']}").json
    assert "record_finding" not in before["allowed_actions"]  # not invited yet
    assert act(expert, acknowledged["id"], "record_finding", finding="看看").status_code == 403

    invited = act(station, acknowledged["id"], "invite_expert", expert=str(expert.user.id), reason="请评估消防通道")
    assert invited.status_code == 200, invited.json
    assert ("invited", acknowledged["id"]) in inbox(expert)
    assert [h["id"] for h in expert.get("/api/v1/hazards", query_string={"invited": "me"}).json] == [acknowledged["id"]]
    again = act(station, acknowledged["id"], "invite_expert", expert=str(expert.user.id))
    assert again.status_code == 422 and "expert" in again.json["errors"]["json"]

    seen = expert.get(f"/api/v1/hazards/{acknowledged['id']}").json
    assert "record_finding" in seen["allowed_actions"] and "order_rectification" not in seen["allowed_actions"]
    photo = uid()
    found = act(expert, acknowledged["id"], "record_finding", finding="疏散通道宽度不足1.4米", photo_ids=[photo])
    assert found.status_code == 200 and found.json["state"] == "acknowledged"
    assert found.json["version"] > seen["version"]  # its page reads the record again
    timeline = station.get(f"/api/v1/hazards/{acknowledged['id']}/timeline").json
    invite, finding = timeline[-2], timeline[-1]
    assert invite["action"] == "invite_expert" and invite["data"]["expert_name"] == "赵专家"
    assert finding["action"] == "record_finding" and finding["reason"] == "疏散通道宽度不足1.4米"
    assert finding["attachments"] == [photo]


def test_who_may_invite_and_whom(app, login_as, world, acknowledged):
    expert = login_as("expert")  # street B: the hazard is in street A
    refused = act(login_as("station_officer"), acknowledged["id"], "invite_expert", expert=str(expert.user.id))
    assert refused.status_code == 422 and "expert" in refused.json["errors"]["json"]
    not_an_expert = login_as("station_officer")
    refused = act(login_as("station_officer"), acknowledged["id"], "invite_expert", expert=str(not_an_expert.user.id))
    assert refused.status_code == 422
    with app.app_context():
        _move_to(expert.user.id, "expert", world["district"])
    assert (
        act(login_as("supervisor"), acknowledged["id"], "invite_expert", expert=str(expert.user.id)).status_code == 200
    )
    for person in ("grid_worker", "enforcement_officer", "enterprise_user", "department_officer"):
        caller = login_as(person)
        assert act(caller, acknowledged["id"], "invite_expert", expert=str(expert.user.id)).status_code in (403, 404)
    # an invited expert still enforces nothing
    assert order(expert, acknowledged["id"], uuid.uuid4()).status_code == 403


def test_colleagues_lists_those_in_scope_with_their_certificate_numbers_only(app, login_as, world, officers):
    issuer, second = officers
    elsewhere = login_as("expert")  # street B
    station = login_as("station_officer")  # street A
    listed = issuer.get("/api/v1/colleagues", query_string={"role": "enforcement_officer"}).json
    mine = {c["id"]: c for c in listed}
    assert str(second.user.id) in mine and str(issuer.user.id) not in mine  # a colleague is someone else
    assert set(mine[str(second.user.id)]) == {"id", "name", "certificate_no", "roles"}
    assert mine[str(second.user.id)]["roles"] == ["enforcement_officer"]
    assert mine[str(second.user.id)]["certificate_no"] == "42010300000102"
    # a street's station sees the district's officers and its street's experts, not another street's
    assert str(issuer.user.id) in {
        c["id"] for c in station.get("/api/v1/colleagues", query_string={"role": "enforcement_officer"}).json
    }
    experts = station.get("/api/v1/colleagues", query_string={"role": "expert"}).json
    assert str(elsewhere.user.id) not in {c["id"] for c in experts}
    assert station.get("/api/v1/colleagues", query_string={"role": "admin"}).status_code == 422
    assert station.get("/api/v1/colleagues", query_string={"role": ["expert", "admin"]}).status_code == 422
    assert station.get("/api/v1/colleagues").status_code == 422
    assert app.test_client().get("/api/v1/colleagues?role=expert").status_code == 401


def test_a_grid_worker_picks_co_inspectors_among_their_streets_station_and_their_grids_workers(app, login_as, world):
    worker = login_as("grid_worker")  # grid A1
    station, station_b = login_as("station_officer"), login_as("station_officer_b")
    same_grid, next_grid = login_as("grid_worker"), login_as("grid_worker")
    with app.app_context():
        _move_to(next_grid.user.id, "grid_worker", world["grid_a2"])
    listed = worker.get("/api/v1/colleagues", query_string={"role": ["station_officer", "grid_worker"]})
    assert listed.status_code == 200, listed.json
    roles = {c["id"]: c["roles"] for c in listed.json}
    assert roles[str(station.user.id)] == ["station_officer"] and roles[str(same_grid.user.id)] == ["grid_worker"]
    # another street's station, and the next grid's worker (no area of theirs overlaps), are not offered
    assert str(station_b.user.id) not in roles and str(next_grid.user.id) not in roles
    assert str(worker.user.id) not in roles


def test_admins_give_certificate_numbers(login_as, world):
    admin = login_as("district_admin")
    body = {
        "username": "zhifa-01",
        "name": "陈执法",
        "password": "Jianghan-enforce-2026!",
        "certificate_no": "42010300000401",
        "roles": [{"role": "enforcement_officer", "area_id": world["district"]}],
    }
    created = admin.post("/api/v1/users", json=body)
    assert created.status_code == 201 and created.json["certificate_no"] == "42010300000401"
    url = f"/api/v1/users/{created.json['id']}"
    patched = admin.patch(url, json={"certificate_no": "42010300000402"}, headers={"If-Match": created.headers["ETag"]})
    assert patched.status_code == 200 and patched.json["certificate_no"] == "42010300000402"
    bad = admin.patch(url, json={"certificate_no": "不是证号"}, headers={"If-Match": patched.headers["ETag"]})
    assert bad.status_code == 422 and "certificate_no" in bad.json["errors"]["json"]


def test_the_vocabularies_describe_the_new_actions_and_the_officer_field(client):
    vocab = client.get("/api/v1/vocabularies").json
    actions = {a["code"]: a for a in vocab["hazard_actions"]}
    ordering = actions["order_rectification"]
    assert ordering["zh"] == "责令限期整改" and ordering["by"] == ["enforcement_officer"]
    assert set(ordering["from"]) >= {"acknowledged", "rectifying"} and ordering["to"] == "rectifying"
    co_signer = next(f for f in ordering["fields"] if f["name"] == "co_signer")
    assert co_signer["kind"] == "officer" and co_signer["role"] == "enforcement_officer" and co_signer["required"]
    invite = actions["invite_expert"]
    assert set(invite["by"]) == {"station_officer", "supervisor"}
    assert next(f for f in invite["fields"] if f["name"] == "expert")["role"] == "expert"
    finding = actions["record_finding"]
    assert finding["by"] == ["expert"] and finding["zh"] == "专家意见"
    assert [f["name"] for f in finding["fields"] if f["required"]] == ["finding"]
    assert {"code": "enforcement_order", "zh": "责令限期整改指令书", "en": "Enforcement order"} in vocab[
        "document_kinds"
    ]


def _move_to(user_id, role, area_id):
    from server.people.models import RoleAssignment, User

    user = db.session.get(User, user_id)
    user.roles = [RoleAssignment(role=role, area_id=area_id)]
    db.session.commit()
