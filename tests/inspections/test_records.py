"""The inspection record (检查记录) as an A4 PDF: put on paper when first asked for and kept, one per revision, served
in the inspection's scope, and saying what the inspection found: items by section, answers, notes, the score, photos,
inspectors and the inspected party's drawn signature."""

import hashlib
import io
import re
import uuid

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select, update

from server.core.db import db
from server.inspections import records
from server.inspections.models import InspectionRecord
from tests.conftest import uid
from tests.inspections.factory import answers, inspection_body, published
from tests.photos.conftest import make_photo, put

URL = "/api/v1/inspections"


@pytest.fixture
def template(login_as):
    return published(login_as("admin"))


def signature() -> bytes:
    """A signature drawn on the phone: strokes on a transparent canvas, sent as a PNG."""
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 70), (80, 20), (140, 80), (210, 25), (290, 60)], fill=(10, 10, 90, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    """The record's text in one run: page footers and line breaks removed."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"检查记录\s*JC\S+\s*第 \d+ 页 共 \d+ 页", "", text)
    return re.sub(r"\s+", "", text)


def record(caller, inspection_id, **query):
    got = caller.get(f"{URL}/{inspection_id}/record.pdf", query_string=query)
    assert got.status_code == 200, got.json
    assert got.mimetype == "application/pdf"
    return got.data


def test_the_record_says_what_was_found_scored_and_acknowledged(login_as, world, template):
    lead, co, expert = login_as("station_officer"), login_as("grid_worker"), login_as("expert")
    exits, extinguisher, signed = uid(), uid(), uid()
    assert put(lead, make_photo(size=(400, 300)), exits).status_code == 201
    assert put(lead, make_photo(size=(300, 400)), extinguisher).status_code == 201
    assert put(lead, signature(), signed, content_type="image/png").status_code == 201
    body = inspection_body(
        template,
        world["market_site"],
        mode="expert",
        answers=answers(exits="fail", drills="no_record", extinguisher=0.8),
        co_inspector_ids=[str(co.user.id)],
        expert_ids=[str(expert.user.id)],
        acknowledgement={"name": "张经理", "signature_photo_id": signed},
    )
    body["answers"][0].update(photo_ids=[exits], note="东侧出口堆放纸箱")
    body["answers"][2].update(photo_ids=[extinguisher])
    got = lead.post(URL, json=body)
    assert got.status_code == 201, got.json
    assert (got.json["points"], got.json["max_points"], got.json["passed"]) == (10, 30, False)

    pdf = record(lead, body["id"])
    text = text_of(pdf)
    for expected in (
        "检查记录",
        "测试巡查表（第1版）",
        "巡查（专家检查）",
        "测试农贸市场",
        "测试农贸市场有限公司",
        "一、检查结论",
        "总分10/30，得分率33.3%",
        "合格线60%",
        "否决项不合格：灭火器压力在绿区",
        "检查结论：不合格",
        "消防安全（0/20分）",  # a critical item failed the section: 0 points of its 20
        "用电安全（10/10分）",
        "安全出口、疏散通道畅通",
        "依据：《消防法》第二十八条",
        "东侧出口堆放纸箱；见图1；已转为隐患",
        "已组织但无记录",
        "0.8MPa（不合格）",
        "否决项（否决本大类）",
        "现场照片（共2张）",
        lead.user.name,
        co.user.name,
        expert.user.name,
        "被检查单位确认人：张经理",
    ):
        assert expected in text, expected
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    sizes = sorted(Image.open(io.BytesIO(image.data)).size for image in images)
    assert sizes == [(240, 320), (300, 100), (320, 240)]  # both photos' thumbnails and the drawn signature


def test_the_record_is_seen_where_the_inspection_is_and_put_on_paper_once(app, login_as, world, template, monkeypatch):
    worker = login_as("grid_worker")
    body = inspection_body(template, world["market_site"])
    assert worker.post(URL, json=body).status_code == 201
    with app.app_context():  # not rendered by the submission: the first to ask for it puts it on paper
        [row] = db.session.scalars(
            select(InspectionRecord).where(InspectionRecord.inspection_id == uuid.UUID(body["id"]))
        ).all()
        assert (row.state, row.sha256) == ("pending", None)
    first = record(worker, body["id"])
    assert login_as("station_officer_b").get(f"{URL}/{body['id']}/record.pdf").status_code == 404
    assert worker.get(f"{URL}/{uid()}/record.pdf").status_code == 404
    assert worker.get(f"{URL}/{body['id']}/record.pdf", query_string={"revision": 2}).status_code == 404
    assert worker.get(f"{URL}/{body['id']}/record.pdf", query_string={"revision": 0}).status_code == 422
    with app.app_context():  # kept: asked again, it is served from its hash, not rendered again
        row = db.session.get(InspectionRecord, row.id)
        assert row.state == "ready" and row.sha256 == hashlib.sha256(first).hexdigest()
    with monkeypatch.context() as patched:
        patched.setattr(records.pdf, "render_inspection_record", lambda _facts: pytest.fail("rendered again"))
        again = worker.get(f"{URL}/{body['id']}/record.pdf")
    assert again.status_code == 200 and again.data == first
    with app.app_context():  # rendered again (the row reset): the same bytes, under the same hash
        db.session.execute(
            update(InspectionRecord).where(InspectionRecord.id == row.id).values(state="pending", sha256=None)
        )
        db.session.commit()
    assert record(worker, body["id"]) == first


def test_a_correction_has_a_record_of_its_own_and_the_first_stays(login_as, world, template):
    worker = login_as("grid_worker")
    body = inspection_body(template, world["market_site"])
    assert worker.post(URL, json=body).status_code == 201
    first = record(worker, body["id"])
    correction = {"id": uid(), "based_on": 1, "reason": "漏记电动车充电问题", "answers": answers(ebikes="fail")}
    correction["answers"][3].update(note="一楼大厅充电")
    assert worker.post(f"{URL}/{body['id']}/corrections", json=correction).status_code == 201

    corrected = text_of(record(worker, body["id"]))
    assert "第2版（更正原因：漏记电动车充电问题）" in corrected and "一楼大厅充电" in corrected
    assert "否决项不合格：电动自行车未在楼道内充电" in corrected and "检查结论：不合格" in corrected
    assert record(worker, body["id"], revision=1) == first
    assert "检查结论：合格" in text_of(first) and "更正原因" not in text_of(first)
