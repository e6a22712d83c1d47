"""Scoring a checklist (评分): pure functions of a template version's sections and an inspection's answers.

The server's score is the only one: the phone's is a preview. The rules, as docs/inspections.md states them:

- An item's points come from its answer: pass_fail_na (pass = its maximum, fail = 0), choice (the option's
  score), number (its maximum inside the passing range, 0 outside); text and photo items record, never score.
- N/A (or an optional item left unanswered) leaves both the points and the maximum.
- A failing critical item (否决项) fails its section (the section's points become 0) or the whole (the total
  becomes 0), as the item says; either way the inspection does not pass.
- The percentage is points over the maximum that applied; passed is percentage ≥ the template's pass mark and
  no critical failure (None when nothing applied and nothing failed critically: there is nothing to judge).
"""

from dataclasses import dataclass

ANSWER_TYPES = {
    "pass_fail_na": ("合格/不合格/不适用", "Pass / fail / N/A"),
    "choice": ("单选（按选项计分）", "Choice (a score per option)"),
    "number": ("数值（合格范围）", "Number (passing range)"),
    "text": ("文字记录", "Text"),
    "photo": ("拍照记录", "Photo"),
}
SCORED = ("pass_fail_na", "choice", "number")
CRITICAL = {"section": ("否决本大类", "Fails its section"), "whole": ("否决整张检查表", "Fails the whole")}
FAIL_REQUIRES = {"photo": ("照片", "a photo"), "note": ("说明", "a note")}
NA = "na"
OUTCOMES = {
    "pass": ("合格", "Pass"),
    "fail": ("不合格", "Fail"),
    "na": ("不适用", "N/A"),
    "recorded": ("已记录", "Recorded"),
    "unanswered": ("未作答（选答项）", "Not answered (optional)"),
}
LEFT_OUT = (NA, "unanswered")


def _round(value: float) -> float:
    return round(value + 0.0, 2)


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be scored, for the item it answers (the service makes it a 422)."""

    item: str
    zh: str
    en: str


def item_max(item: dict) -> float:
    """The points an item is worth: its max_score, or for a choice the best option's score."""
    if item["answer_type"] not in SCORED:
        return 0.0
    if item["answer_type"] == "choice":
        return float(max(option["score"] for option in item["options"]))
    return float(item.get("max_score") or 0)


def template_max(sections: list[dict]) -> float:
    return _round(sum(item_max(item) for section in sections for item in section["items"]))


def outcome(item: dict, answer: dict | None) -> str:
    """pass, fail, na or recorded: what the answer says of the item (answers already checked by `problems`)."""
    if answer is None:
        return "unanswered"  # an optional item left out: counts as N/A would
    value = answer.get("value")
    kind = item["answer_type"]
    if kind in ("text", "photo"):
        return "recorded"
    if value == NA:
        return NA
    if kind == "pass_fail_na":
        return value
    if kind == "choice":
        return "fail" if _option(item, value)["fail"] else "pass"
    low, high = item.get("min"), item.get("max")
    inside = (low is None or value >= low) and (high is None or value <= high)
    return "pass" if inside else "fail"


def points(item: dict, answer: dict | None) -> float | None:
    """The item's points for this answer; None when it does not count (N/A, text, photo)."""
    result = outcome(item, answer)
    if result in (*LEFT_OUT, "recorded"):
        return None
    if item["answer_type"] == "choice":
        return float(_option(item, answer["value"])["score"])
    return item_max(item) if result == "pass" else 0.0


def _option(item: dict, key) -> dict:
    return next(option for option in item["options"] if option["key"] == key)


def problems(sections: list[dict], answers: dict[str, dict]) -> list[Problem]:
    """What is wrong with the answers against the template version: unknown items, missing required answers,
    values the item's type does not take, and failing answers without the photo or note the item requires."""
    items = {item["key"]: item for section in sections for item in section["items"]}
    found = [
        Problem(key, "检查表中没有该检查项", "No such item in the checklist") for key in answers if key not in items
    ]
    for key, item in items.items():
        answer = answers.get(key)
        if answer is None:
            if item.get("required", True):
                found.append(Problem(key, "该检查项尚未作答", "This item has no answer"))
            continue
        wrong = _value_problem(item, answer)
        if wrong:
            found.append(Problem(key, *wrong))
            continue
        if outcome(item, answer) == "fail":
            if "photo" in item.get("fail_requires", ()) and not answer.get("photo_ids"):
                found.append(Problem(key, "不合格项须附照片", "A failing answer needs a photo here"))
            if "note" in item.get("fail_requires", ()) and not (answer.get("note") or "").strip():
                found.append(Problem(key, "不合格项须填写说明", "A failing answer needs a note here"))
        elif answer.get("raise_hazard"):
            found.append(Problem(key, "只有不合格项才能上报隐患", "Only a failing answer can raise a hazard"))
    return found


def _value_problem(item: dict, answer: dict) -> tuple[str, str] | None:
    kind, value = item["answer_type"], answer.get("value")
    if value == NA:
        if kind in ("text", "photo") or not item.get("na_allowed", True):
            return "该检查项不能选“不适用”", "This item cannot be N/A"
        return None
    if kind == "pass_fail_na" and value not in ("pass", "fail"):
        return "应为合格、不合格或不适用", "Answer pass, fail or na"
    if kind == "choice" and value not in {option["key"] for option in item["options"]}:
        return "没有这个选项", "No such option"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "应为数值", "Answer a number"
    if kind == "text" and not (isinstance(value, str) and value.strip()):
        return "应填写文字", "Answer with some text"
    if kind == "photo" and (value is not None or not answer.get("photo_ids")):
        return "应附至少一张照片", "Answer with at least one photo"
    return None


def score(sections: list[dict], answers: dict[str, dict], pass_mark: float | None) -> dict:
    """The score of checked answers (see the module's rules): each section's subtotal and each item's line, the
    total, the percentage, the critical failures, the failing items, and whether it passed."""
    result_sections, critical_failures, failed = [], [], []
    for section in sections:
        lines, section_points, section_max, zeroed = [], 0.0, 0.0, False
        for item in section["items"]:
            answer = answers.get(item["key"])
            got, result = points(item, answer), outcome(item, answer)
            counted = got is not None
            if counted:
                section_points += got
                section_max += item_max(item)
            if result == "fail":
                failed.append(item["key"])
                if item.get("critical"):
                    critical_failures.append(
                        {"item": item["key"], "scope": item["critical"], "section": section["key"]}
                    )
                    zeroed |= item["critical"] == "section"
            lines.append(
                {
                    "item": item["key"],
                    "outcome": result,
                    "points": got,
                    "max": item_max(item) if counted else None,
                    "critical": item.get("critical"),
                    "scored": item["answer_type"] in SCORED,
                }
            )
        earned = 0.0 if zeroed else section_points
        result_sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "points": _round(earned),
                "points_before_critical": _round(section_points),
                "max": _round(section_max),
                "percentage": _percent(earned, section_max),
                "critical_failed": zeroed,
                "items": lines,
            }
        )
    whole_failed = any(failure["scope"] == "whole" for failure in critical_failures)
    total_max = sum(s["max"] for s in result_sections)
    total = 0.0 if whole_failed else sum(s["points"] for s in result_sections)
    percentage = _percent(total, total_max)
    if critical_failures:
        passed = False
    elif percentage is None:
        passed = None
    else:
        passed = pass_mark is None or percentage >= pass_mark
    return {
        "sections": result_sections,
        "points": _round(total),
        "max": _round(total_max),
        "percentage": percentage,
        "pass_mark": pass_mark,
        "passed": passed,
        "critical_failures": critical_failures,
        "whole_failed": whole_failed,
        "failed_items": failed,
    }


def _percent(got: float, out_of: float) -> float | None:
    return None if out_of == 0 else round(100 * got / out_of, 1)


def explain(result: dict) -> list[tuple[str, str]]:
    """How the score was reached, one line (zh, en) a step: what counted, what N/A left out, what a critical
    item did, the sum and the pass mark."""
    lines = []
    for section in result["sections"]:
        left_out = sum(1 for line in section["items"] if line["scored"] and line["outcome"] in LEFT_OUT)
        zh = f"{section['title']}：得分 {_n(section['points_before_critical'])} / {_n(section['max'])}"
        en = f"{section['title']}: {_n(section['points_before_critical'])} of {_n(section['max'])}"
        if left_out:
            zh += f"（{left_out} 项不适用，不计分也不计满分）"
            en += f" ({left_out} N/A, left out of both)"
        if section["critical_failed"]:
            zh += "；否决项不合格，本大类计 0 分"
            en += "; a critical item failed, so the section scores 0"
        lines.append((zh, en))
    total, out_of = _n(result["points"]), _n(result["max"])
    if result["whole_failed"]:
        lines.append(("否决项不合格，整张检查表计 0 分", "A critical item failed the whole checklist: it scores 0"))
    if result["percentage"] is None:
        lines.append(("没有适用的计分项，不评定得分率", "No scored item applied: there is no percentage"))
    else:
        lines.append(
            (
                f"总分 {total} / {out_of}，得分率 {result['percentage']}%",
                f"Total {total} of {out_of}: {result['percentage']}%",
            )
        )
    if result["critical_failures"]:
        lines.append(("有否决项不合格，判定为不合格", "A critical item failed: not passed"))
    elif result["passed"] is not None and result["pass_mark"] is not None:
        verdict = ("合格", "passed") if result["passed"] else ("不合格", "not passed")
        lines.append(
            (
                f"合格线 {_n(result['pass_mark'])}%，判定为{verdict[0]}",
                f"Pass mark {_n(result['pass_mark'])}%: {verdict[1]}",
            )
        )
    return lines


def _n(value: float) -> str:
    return f"{value:g}"
