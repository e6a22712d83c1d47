"""Major hazards (重大隐患): forwarded to the district, planned, dual-reported, listed, extended once,
de-listed; and the numbered documents of the loop, rendered after the change and downloadable in scope."""

import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select, update

from server.core.db import db
from server.enterprises.models import Enterprise
from server.hazards.models import HazardDocument
from server.paperwork.layout import chinese_date
from server.photos.models import Photo
from tests.conftest import uid
from tests.hazards.test_loop import act, events_of, later, report
from tests.paperwork.test_pdf import text_of
from tests.photos.conftest import make_photo, put
from tests.sync.test_feed import sync

PLAN = {
    "measures": "更换燃气管道并加装泄漏报警",
    "responsible_person": "王强",
    "funds": "5万元",
    "deadline": later(20),
    "contingency_plan": "停用燃气灶具，设置警戒",
}


def inbox(caller):
    return [(n["kind"], n["hazard_id"]) for n in caller.get("/api/v1/inbox").json]


def test_a_major_hazard_from_listing_to_de_listing(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    enterprise, supervisor = login_as("enterprise_user"), login_as("supervisor")
    hazard = report(worker, world, level="major", category="gas")
    assert act(station, hazard["id"], "acknowledge").json["state"] == "acknowledged"
    assert ("major_forwarded", hazard["id"]) in inbox(supervisor)  # at once, well within 30 minutes

    plan = act(enterprise, hazard["id"], "submit_plan", plan=PLAN)
    assert plan.status_code == 200 and plan.json["plan"]["responsible_person"] == "王强"
    listed = act(supervisor, hazard["id"], "list", reason="重大燃气隐患，区级挂牌督办")
    assert listed.json["listing_number"].startswith("江汉安督〔") and listed.json["listed_at"]
    assert act(supervisor, hazard["id"], "list", reason="again").status_code == 409  # listed once

    deadline = later(10)
    act(station, hazard["id"], "issue_notice", deadline=deadline, responsible_party="测试农贸市场有限公司")
    asked = act(enterprise, hazard["id"], "request_extension", deadline=later(25), reason="管道改造需停气审批")
    assert asked.json["extension_until"] and asked.json["extension_decision"] is None
    assert ("extension_requested", hazard["id"]) in inbox(supervisor)
    assert act(enterprise, hazard["id"], "request_extension", deadline=later(30), reason="再延").status_code == 409
    approved = act(supervisor, hazard["id"], "decide_extension", approved=True, reason="同意延期")
    assert approved.json["extension_decision"] == "approved"
    assert approved.json["deadline"] == approved.json["extension_until"] != datetime.fromisoformat(deadline).isoformat()

    dual = act(
        enterprise,
        hazard["id"],
        "record_dual_report",
        regulator_reported_at=later(0),
        workers_congress_reported_at=later(0),
    )
    assert dual.json["regulator_reported_at"] and dual.json["workers_congress_reported_at"]
    act(enterprise, hazard["id"], "submit_rectification", description="管道已更换", photo_ids=[uid()])
    act(station, hazard["id"], "close", result="验收合格")
    delisted = act(supervisor, hazard["id"], "delist", reason="整改验收合格，摘牌销号")
    assert delisted.json["delisted_at"] and delisted.json["state"] == "closed"
    assert [a for a, _, _ in events_of(app, hazard["id"])] == [
        "report",
        "acknowledge",
        "forward",
        "submit_plan",
        "list",
        "issue_notice",
        "request_extension",
        "decide_extension",
        "record_dual_report",
        "submit_rectification",
        "close",
        "delist",
    ]


def test_major_hazard_actions_do_not_apply_to_a_general_one(login_as, world):
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    refused = act(login_as("supervisor"), hazard["id"], "list", reason="x")
    assert refused.status_code == 409 and "list" not in refused.json["errors"]["allowed"]
    assert act(enterprise, hazard["id"], "submit_plan", plan=PLAN).status_code == 409


def test_a_refused_extension_keeps_the_deadline(login_as, world):
    station, enterprise, supervisor = login_as("station_officer"), login_as("enterprise_user"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world, level="major")
    act(station, hazard["id"], "acknowledge")
    deadline = act(station, hazard["id"], "issue_notice", deadline=later(5), responsible_party="市场方").json[
        "deadline"
    ]
    act(enterprise, hazard["id"], "request_extension", deadline=later(9), reason="材料未到")
    refused = act(supervisor, hazard["id"], "decide_extension", approved=False, reason="不予延期")
    assert refused.json["extension_decision"] == "refused" and refused.json["deadline"] == deadline
    shorter = act(login_as("enterprise_user"), hazard["id"], "request_extension", deadline=later(1), reason="x")
    assert shorter.status_code == 409  # one request only, and it has been decided


def test_a_major_hazard_shows_what_was_asked_and_decided(login_as, world):
    """What its page reads: who reported it, the flags beside its state, the extension as asked and as decided, in
    the vocabulary's words (the new date is 延期至; approve and refuse are two answers, named on the record)."""
    worker, station = login_as("grid_worker"), login_as("station_officer")
    enterprise, supervisor = login_as("enterprise_user"), login_as("supervisor")
    hazard = report(worker, world, level="major")
    assert hazard["flags"] == [] and hazard["reporter_name"] == worker.get("/api/v1/me").json["name"]
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(5), responsible_party="市场方")
    assert act(supervisor, hazard["id"], "list", reason="挂牌").json["flags"] == ["listed"]
    asked = act(enterprise, hazard["id"], "request_extension", deadline=later(9), reason="材料未到")
    assert asked.json["flags"] == ["listed", "extension_pending"]
    decided = act(supervisor, hazard["id"], "decide_extension", approved=True, reason="同意")
    assert decided.json["flags"] == ["listed"]
    [synced] = [change["data"] for change in sync(enterprise)[0] if change["id"] == hazard["id"]]
    assert synced["flags"] == ["listed"] and synced["reporter_name"] == hazard["reporter_name"]

    vocab = enterprise.get("/api/v1/vocabularies").json
    forms = {a["code"]: {f["name"]: f for f in a["fields"]} for a in vocab["hazard_actions"]}
    assert forms["request_extension"]["deadline"]["zh"] == "延期至"
    decision = forms["decide_extension"]["approved"]
    assert [(c["value"], c["zh"]) for c in decision["choices"]] == [(True, "准予延期"), (False, "不予延期")]
    assert forms["issue_notice"]["deadline"]["hint"]["zh"] and forms["reject"]["reason"]["hint"] is None
    assert {f["code"] for f in vocab["hazard_flags"]} == {"listed", "extension_pending", "transferred"}
    assert {k["code"] for k in vocab["document_kinds"]} == {
        "rectification_notice",
        "reinspection_opinion",
        "listing_notice",
        "enforcement_order",
    }
    assert [p["name"] for p in {f["name"]: f for f in vocab["hazard_fields"]}["plan"]["parts"]] == list(PLAN)
    timeline = {e["action"]: e for e in enterprise.get(f"/api/v1/hazards/{hazard['id']}/timeline").json}
    assert timeline["decide_extension"]["data"]["approved"] is True  # the answer given, named by the vocabulary
    assert timeline["request_extension"]["data"]["deadline"] == asked.json["extension_until"]


def test_the_notice_and_the_opinion_are_numbered_and_rendered(login_as, world):
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    act(
        station,
        hazard["id"],
        "issue_notice",
        deadline=later(7),
        responsible_party="测试农贸市场有限公司",
        requirements="清理安全出口杂物，保持畅通",
    )
    act(enterprise, hazard["id"], "submit_rectification", description="已清理", photo_ids=[uid()])
    act(station, hazard["id"], "return", result="仍有堆放", deadline=later(3))
    listed = enterprise.get(f"/api/v1/hazards/{hazard['id']}/documents").json
    assert [d["kind"] for d in listed] == ["rectification_notice", "reinspection_opinion"]
    assert all(d["state"] == "ready" for d in listed)  # rendered by the job (inline here) after the commit
    notice, opinion = listed
    assert notice["number"].startswith("江汉安隐改〔") and opinion["number"].startswith("江汉安复查〔")
    pdf = enterprise.get(f"/api/v1/hazards/{hazard['id']}/documents/{notice['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert notice["number"] in text and "测试农贸市场有限公司" in text and "清理安全出口杂物" in text
    opinion_pdf = enterprise.get(f"/api/v1/hazards/{hazard['id']}/documents/{opinion['id']}.pdf")
    opinion_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(opinion_pdf.data)).pages)
    assert "继续整改" in opinion_text and notice["number"] in opinion_text
    outsider = login_as("station_officer_b")
    assert outsider.get(f"/api/v1/hazards/{hazard['id']}/documents/{notice['id']}.pdf").status_code == 404


def test_the_opinion_shows_the_reinspection_photos_even_those_whose_copies_are_not_made_yet(app, login_as, world):
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(7), responsible_party="测试农贸市场有限公司")
    act(enterprise, hazard["id"], "submit_rectification", description="已清理", photo_ids=[uid()])
    ready, queued, never_sent = uid(), uid(), uid()
    assert put(station, make_photo(size=(400, 300)), ready).status_code == 201
    assert put(station, make_photo(size=(300, 400)), queued).status_code == 201
    with app.app_context():  # as in production when its copies job is still queued behind the document's
        db.session.execute(update(Photo).where(Photo.id == uuid.UUID(queued)).values(state="pending"))
        db.session.commit()
    act(station, hazard["id"], "return", result="仍有堆放", deadline=later(3), photo_ids=[ready, queued, never_sent])

    [opinion] = [
        d for d in station.get(f"/api/v1/hazards/{hazard['id']}/documents").json if d["kind"] == "reinspection_opinion"
    ]
    reader = PdfReader(io.BytesIO(station.get(f"/api/v1/hazards/{hazard['id']}/documents/{opinion['id']}.pdf").data))
    assert "复查照片（共2张）" in text_of(reader)  # the one never sent is left out, not waited for
    images = [image for page in reader.pages for image in page.images]
    assert sorted(Image.open(io.BytesIO(image.data)).size for image in images) == [(240, 320), (320, 240)]


def test_a_notice_prints_no_photo_its_report_had_no_right_to_cite(login_as, world):
    victim, attacker, station = login_as("grid_worker"), login_as("grid_worker"), login_as("station_officer")
    theirs, own = uid(), uid()
    assert put(victim, make_photo(size=(400, 300)), theirs).status_code == 201  # someone else's, in scope
    assert put(attacker, make_photo(size=(300, 400)), own).status_code == 201
    hazard = report(attacker, world, photo_ids=[theirs, own])  # the id learned somehow, cited as evidence
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(7), responsible_party="测试农贸市场有限公司")
    [notice] = station.get(f"/api/v1/hazards/{hazard['id']}/documents").json
    reader = PdfReader(io.BytesIO(attacker.get(f"/api/v1/hazards/{hazard['id']}/documents/{notice['id']}.pdf").data))
    images = [image for page in reader.pages for image in page.images]
    assert [Image.open(io.BytesIO(image.data)).size for image in images] == [(240, 320)]  # the citer's own only


def test_document_numbers_run_on_without_gaps(login_as, world):
    station = login_as("station_officer")
    numbers = []
    for _ in range(3):
        hazard = report(login_as("grid_worker"), world)
        act(station, hazard["id"], "acknowledge")
        act(station, hazard["id"], "issue_notice", deadline=later(7), responsible_party="x")
        numbers += [d["number"] for d in station.get(f"/api/v1/hazards/{hazard['id']}/documents").json]
    serials = [int(n.split("第")[1].rstrip("号")) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + 3))


def test_the_deadline_must_be_in_the_future(login_as, world):
    station = login_as("station_officer")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    resp = act(station, hazard["id"], "issue_notice", deadline=past, responsible_party="x")
    assert resp.status_code == 422 and "deadline" in resp.json["errors"]["json"]


def listing_notices(caller, hazard_id):
    return [d for d in caller.get(f"/api/v1/hazards/{hazard_id}/documents").json if d["kind"] == "listing_notice"]


def test_listing_issues_the_notice_as_a_pdf_numbered_as_the_hazard_and_downloadable_in_scope(app, login_as, world):
    worker, station = login_as("grid_worker"), login_as("station_officer")
    enterprise, supervisor = login_as("enterprise_user"), login_as("supervisor")
    photo_id = uid()
    hazard = report(
        worker,
        world,
        level="major",
        category="gas",
        photo_ids=[photo_id],
        description="燃气软管老化开裂，未装可燃气体报警装置",
    )
    assert put(worker, make_photo(), photo_id).status_code == 201  # arrives; its thumbnail goes on the notice
    act(station, hazard["id"], "acknowledge")
    act(enterprise, hazard["id"], "submit_plan", plan=PLAN)
    deadline = act(
        station, hazard["id"], "issue_notice", deadline=later(10), responsible_party="测试农贸市场有限公司"
    ).json["deadline"]
    listed = act(supervisor, hazard["id"], "list", reason="重大燃气隐患，区级挂牌督办").json

    [document] = listing_notices(enterprise, hazard["id"])
    assert document["state"] == "ready"  # rendered by the job (inline here) after the commit
    assert document["number"] == listed["listing_number"] and document["number"].startswith("江汉安督〔")
    pdf = enterprise.get(f"/api/v1/hazards/{hazard['id']}/documents/{document['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = text_of(reader)
    with app.app_context():
        uscc = db.session.get(Enterprise, world["market"]).uscc
    for expected in [
        "江汉区应急管理局",
        "重大事故隐患挂牌督办通知书",
        document["number"],
        "被督办单位：测试农贸市场有限公司",
        f"统一社会信用代码：{uscc}",
        "测试农贸市场",
        "隐患类别：燃气安全",
        "隐患等级：重大隐患",
        "燃气软管老化开裂",
        "重大燃气隐患，区级挂牌督办",
        f"你单位应当于{chinese_date(datetime.fromisoformat(deadline))}前完成整改",
        "整改措施更换燃气管道并加装泄漏报警",
        "整改责任人王强",
        "整改资金5万元",
        "摘牌销号",
        f"督办人员：{supervisor.user.name}",
        "送达回执",
        "现场照片（共1张）",
    ]:
        assert expected in text, expected
    assert len([image for page in reader.pages for image in page.images]) == 1  # the photo's thumbnail

    for outsider in (login_as("station_officer_b"), login_as("expert")):  # both of the other street
        assert outsider.get(f"/api/v1/hazards/{hazard['id']}/documents").status_code == 404
        assert outsider.get(f"/api/v1/hazards/{hazard['id']}/documents/{document['id']}.pdf").status_code == 404
    for insider in (station, login_as("department_officer")):  # its street's station, its sector's department
        assert insider.get(f"/api/v1/hazards/{hazard['id']}/documents/{document['id']}.pdf").data == pdf.data


def test_replaying_the_listing_leaves_one_notice_and_one_number(app, login_as, world):
    station, supervisor = login_as("station_officer"), login_as("supervisor")
    hazard = report(login_as("grid_worker"), world, level="major")
    act(station, hazard["id"], "acknowledge")  # listed before any plan or deadline: the notice asks for them
    change_id = uid()
    answers = [act(supervisor, hazard["id"], "list", change_id=change_id, reason="区级挂牌督办") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json["listing_number"] for a in answers}) == 1
    [document] = listing_notices(supervisor, hazard["id"])
    assert document["number"] == answers[0].json["listing_number"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(HazardDocument)
                .where(HazardDocument.kind == "listing_notice", HazardDocument.number == document["number"])
            )
            == 1
        )
    pdf = supervisor.get(f"/api/v1/hazards/{hazard['id']}/documents/{document['id']}.pdf")
    text = text_of(PdfReader(io.BytesIO(pdf.data)))
    assert "应当在隐患整改意见书规定的期限内完成整改" in text and "立即组织制定重大事故隐患治理方案" in text
