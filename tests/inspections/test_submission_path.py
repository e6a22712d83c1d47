"""The submission's cheap path (issue 14's speed): its answer is made from what it computed, not read back, and must
say what reading it back says; the answers' plain check takes and refuses exactly what AnswerSchema does; a version
is read once, a draft never kept."""

import pytest
from marshmallow import ValidationError

from server.inspections import schemas
from tests.conftest import uid
from tests.inspections.factory import answers, inspection_body, published, template_body

URL = "/api/v1/inspections"


@pytest.fixture
def template(login_as):
    return published(login_as("admin"))


def test_the_answer_to_a_submission_is_what_reading_it_says(login_as, world, template):
    worker, co, expert = login_as("grid_worker"), login_as("grid_worker"), login_as("expert")
    body = inspection_body(
        template,
        world["market_site"],
        answers=answers(exits="fail", ebikes="fail", drills="no_record"),
        co_inspector_ids=[str(co.user.id)],
        expert_ids=[str(expert.user.id)],
        acknowledgement={"name": "张经理", "signature_photo_id": uid()},
    )
    body["answers"][0].update(photo_ids=[uid(), uid()], note="北侧出口堆放纸箱")
    body["answers"][3].update(note="三楼楼道充电", raise_hazard=True, hazard_level="major")
    made = worker.post(URL, json=body, headers={"Device-Time": body["finished_at"]})
    assert made.status_code == 201, made.json
    assert len(made.json["hazards"]) == 2 and len(made.json["inspectors"]) == 3 and len(made.json["photos"]) == 3
    read = worker.get(f"{URL}/{made.json['id']}")
    assert read.status_code == 200
    assert made.json == read.json
    again = worker.post(URL, json=body)
    assert again.status_code == 200 and again.json == read.json


def test_a_version_is_taken_once_published_and_a_draft_never(login_as, world):
    admin, worker = login_as("admin"), login_as("grid_worker")
    draft = admin.post("/api/v1/inspection-templates", json=template_body()).json
    body = inspection_body(draft, world["market_site"])
    refused = worker.post(URL, json=body)
    assert refused.status_code == 422 and "template_id" in refused.json["errors"]["json"]
    admin.post(f"/api/v1/inspection-templates/{draft['id']}/publish")
    taken = worker.post(URL, json=body)
    assert taken.status_code == 201 and taken.json["max_points"] == 30
    admin.post(f"/api/v1/inspection-templates/{draft['id']}/archive")
    begun = worker.post(URL, json=inspection_body(draft, world["market_site"]))  # begun before it was archived
    assert begun.status_code == 201


GOOD = {"item": "k1", "value": "pass"}
CASES = [
    [GOOD],
    [{"item": "a.b-c_9", "value": 1.5, "note": "x" * 2000, "photo_ids": [uid()] * 20}],
    [{"item": "k", "value": None, "raise_hazard": False, "hazard_level": "major"}],
    [{"item": "k", "value": True}, {"item": "j", "value": 0}, {"item": "i", "value": "v" * 2000}],
    [{"item": "k", "value": "fail", "photo_ids": ["{12345678-1234-5678-1234-567812345678}"], "raise_hazard": None}],
    [{"item": "k", "value": "fail", "photo_ids": ["12345678123456781234567812345678"]}],
    # each of these is refused, and AnswerSchema words why
    [{"item": "k", "value": "v" * 2001}],
    [{"item": "k", "value": {"a": 1}}],
    [{"item": "k", "value": [1]}],
    [{"item": "bad key", "value": "pass"}],
    [{"item": "k\n", "value": "pass"}],
    [{"item": "k" * 65, "value": "pass"}],
    [{"item": 5, "value": "pass"}],
    [{"value": "pass"}],
    [{"item": "k", "value": "pass", "extra": 1}],
    [{"item": "k", "note": None}],
    [{"item": "k", "note": 5}],
    [{"item": "k", "note": "x" * 2001}],
    [{"item": "k", "photo_ids": "abc"}],
    [{"item": "k", "photo_ids": ["not-a-uuid"]}],
    [{"item": "k", "photo_ids": [5]}],
    [{"item": "k", "photo_ids": [uid()] * 21}],
    [{"item": "k", "photo_ids": None}],
    [{"item": "k", "raise_hazard": 1}],
    [{"item": "k", "raise_hazard": "true"}],
    [{"item": "k", "hazard_level": "huge"}],
    [{"item": "k", "hazard_level": ["major"]}],
    [GOOD, "not an object"],
    [GOOD, None],
    [GOOD, GOOD],  # one answer per item
    "not a list",
]


@pytest.mark.parametrize("sent", CASES)
def test_the_plain_check_of_the_answers_is_answer_schemas(monkeypatch, sent):
    def load():
        try:
            return "loaded", schemas.CorrectionSchema().load(
                {"id": uid(), "based_on": 1, "reason": "r", "answers": sent}
            )["answers"]
        except ValidationError as refused:
            return "refused", refused.messages

    plain = load()
    monkeypatch.setattr(schemas, "_plain_answer", lambda _answer: None)  # AnswerSchema for every answer
    assert plain == load()
