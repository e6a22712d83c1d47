"""Scoring on its edges, as pure functions of a template version's sections and the answers."""

import pytest

from server.inspections import scoring
from server.inspections.schemas import SectionSchema
from tests.inspections.factory import GOOD, sections


@pytest.fixture
def template():
    return SectionSchema(many=True).load(sections())  # as the API stores them (options' fail filled in)


def answered(**values):
    return {k: {"item": k, "value": v, "photo_ids": ["p"], "note": "n"} for k, v in {**GOOD, **values}.items()}


def score(template, pass_mark=60, **values):
    answers = answered(**values)
    assert scoring.problems(template, answers) == []
    return scoring.score(template, answers, pass_mark)


def test_all_passing_scores_the_maximum_with_section_subtotals(template):
    result = score(template)
    assert [(s["key"], s["points"], s["max"]) for s in result["sections"]] == [("fire", 20, 20), ("power", 10, 10)]
    assert (result["points"], result["max"], result["percentage"], result["passed"]) == (30, 30, 100.0, True)
    assert scoring.template_max(template) == 30


def test_na_leaves_both_the_points_and_the_maximum(template):
    result = score(template, exits="na")
    assert (result["points"], result["max"], result["percentage"]) == (20, 20, 100.0)
    assert result["sections"][0]["items"][0] == {
        "item": "exits",
        "outcome": "na",
        "points": None,
        "max": None,
        "critical": None,
        "scored": True,
    }


def test_all_na_has_no_percentage_and_no_verdict(template):
    result = score(template, exits="na", drills="na", extinguisher="na", ebikes="na")
    assert (result["points"], result["max"], result["percentage"], result["passed"]) == (0, 0, None, None)
    assert scoring.explain(result)[-1][1] == "No scored item applied: there is no percentage"


def test_choices_score_their_option_and_fail_only_where_the_option_fails(template):
    partial = score(template, drills="no_record")
    assert partial["points"] == 27 and partial["failed_items"] == []
    none = score(template, drills="none")
    assert none["points"] == 25 and none["failed_items"] == ["drills"]


@pytest.mark.parametrize(
    ("pressure", "outcome", "section_points"),
    [(1.0, "pass", 20), (1.4, "pass", 20), (0.99, "fail", 0), (1.5, "fail", 0)],
)
def test_a_number_passes_inside_its_range_inclusive(template, pressure, outcome, section_points):
    result = score(template, extinguisher=pressure)
    assert result["sections"][0]["items"][2]["outcome"] == outcome
    assert result["sections"][0]["points"] == section_points  # the gauge is critical for its section


def test_a_critical_fail_zeroes_its_section_but_keeps_its_maximum_and_fails_the_inspection(template):
    result = score(template, extinguisher=0.5)
    fire = result["sections"][0]
    assert (fire["points"], fire["points_before_critical"], fire["max"], fire["critical_failed"]) == (0, 15, 20, True)
    assert (result["points"], result["max"], result["percentage"], result["passed"]) == (10, 30, 33.3, False)
    assert result["critical_failures"] == [{"item": "extinguisher", "scope": "section", "section": "fire"}]
    assert "否决项不合格，本大类计 0 分" in scoring.explain(result)[0][0]


def test_a_critical_fail_of_the_whole_scores_zero_and_fails_even_above_the_pass_mark(template):
    result = score(template, ebikes="fail")
    assert (result["points"], result["max"], result["percentage"], result["passed"]) == (0, 30, 0.0, False)
    assert result["whole_failed"] and result["sections"][0]["points"] == 20  # the sections keep their subtotals
    assert ("否决项不合格，整张检查表计 0 分", "A critical item failed the whole checklist: it scores 0") in (
        scoring.explain(result)
    )


def test_the_pass_mark_decides_a_score_without_critical_failures(template):
    assert score(template, pass_mark=60, exits="fail", drills="none")["percentage"] == 50.0
    assert score(template, pass_mark=60, exits="fail", drills="none")["passed"] is False
    assert score(template, pass_mark=50, exits="fail", drills="none")["passed"] is True  # at the mark passes
    assert score(template, pass_mark=None, exits="fail", drills="none")["passed"] is True


def test_text_and_photo_items_record_without_scoring_and_optional_ones_may_be_left_out(template):
    answers = {**answered(), "remarks": {"item": "remarks", "value": "楼道整洁"}}
    assert scoring.problems(template, answers) == []
    result = scoring.score(template, answers, 60)
    assert result["sections"][1]["items"][1]["outcome"] == "recorded" and result["max"] == 30
    assert result["sections"][1]["items"][2]["outcome"] == "unanswered"  # the photo, left out


@pytest.mark.parametrize(
    ("item", "answer", "why"),
    [
        ("exits", {"value": "maybe"}, "Answer pass, fail or na"),
        ("drills", {"value": "sometimes"}, "No such option"),
        ("extinguisher", {"value": "1.2"}, "Answer a number"),
        ("extinguisher", {"value": True}, "Answer a number"),
        ("remarks", {"value": "  "}, "Answer with some text"),
        ("remarks", {"value": "na"}, "This item cannot be N/A"),
        ("panel", {"value": None, "photo_ids": []}, "Answer with at least one photo"),
        ("exits", {"value": "fail", "photo_ids": []}, "A failing answer needs a photo here"),
        ("ebikes", {"value": "fail", "note": " "}, "A failing answer needs a note here"),
        ("exits", {"value": "pass", "raise_hazard": True}, "Only a failing answer can raise a hazard"),
        ("nosuch", {"value": "pass"}, "No such item in the checklist"),
    ],
)
def test_answers_that_cannot_be_scored_are_named_with_why(template, item, answer, why):
    answers = {**answered(), item: {"item": item, "photo_ids": ["p"], **answer}}
    assert [(p.item, p.en) for p in scoring.problems(template, answers)] == [(item, why)]


def test_a_required_item_left_out_is_named(template):
    answers = answered()
    del answers["ebikes"]
    assert [(p.item, p.en) for p in scoring.problems(template, answers)] == [("ebikes", "This item has no answer")]


def test_an_item_that_refuses_na_says_so(template):
    template[0]["items"][0]["na_allowed"] = False
    assert [p.en for p in scoring.problems(template, answered(exits="na"))] == ["This item cannot be N/A"]


def test_the_explanation_walks_from_the_sections_to_the_verdict(template):
    lines = [en for _zh, en in scoring.explain(score(template, exits="na", drills="no_record"))]
    assert lines == [
        "消防安全: 7 of 10 (1 N/A, left out of both)",
        "用电安全: 10 of 10",
        "Total 17 of 20: 85.0%",
        "Pass mark 60%: passed",
    ]
