"""One small checklist for the inspection tests: two sections, every answer type, a critical item of each scope."""

from datetime import UTC, datetime, timedelta

from tests.conftest import uid


def sections():
    return [
        {
            "key": "fire",
            "title": "消防安全",
            "items": [
                {
                    "key": "exits",
                    "text": "安全出口、疏散通道畅通",
                    "method": "现场查看",
                    "basis": "《消防法》第二十八条",
                    "answer_type": "pass_fail_na",
                    "max_score": 10,
                    "fail_requires": ["photo"],
                    "hazard": {"category": "fire", "level": "general"},
                },
                {
                    "key": "drills",
                    "text": "每半年组织一次消防演练",
                    "answer_type": "choice",
                    "options": [
                        {"key": "done", "label": "已组织并有记录", "score": 5},
                        {"key": "no_record", "label": "已组织但无记录", "score": 2},
                        {"key": "none", "label": "未组织", "score": 0},
                    ],
                },
                {
                    "key": "extinguisher",
                    "text": "灭火器压力在绿区",
                    "answer_type": "number",
                    "unit": "MPa",
                    "min": 1.0,
                    "max": 1.4,
                    "max_score": 5,
                    "critical": "section",
                },
            ],
        },
        {
            "key": "power",
            "title": "用电安全",
            "items": [
                {
                    "key": "ebikes",
                    "text": "电动自行车未在楼道内充电",
                    "answer_type": "pass_fail_na",
                    "max_score": 10,
                    "critical": "whole",
                    "fail_requires": ["note"],
                },
                {"key": "remarks", "text": "其他情况", "answer_type": "text", "required": False},
                {"key": "panel", "text": "配电箱照片", "answer_type": "photo", "required": False},
            ],
        },
    ]


def template_body(**changes):
    return {
        "kind": "patrol",
        "name": "测试巡查表",
        "site_types": ["market", "fire_lane"],
        "pass_mark": 60,
        "sections": sections(),
        **changes,
    }


def published(caller, **changes) -> dict:
    made = caller.post("/api/v1/inspection-templates", json=template_body(**changes))
    assert made.status_code == 201, made.json
    out = caller.post(f"/api/v1/inspection-templates/{made.json['id']}/publish")
    assert out.status_code == 200, out.json
    return out.json


GOOD = {"exits": "pass", "drills": "done", "extinguisher": 1.2, "ebikes": "pass"}


def answers(**values):
    """Answers for the four scored items (all passing unless given), as the phone sends them."""
    given = {**GOOD, **values}
    return [{"item": k, "value": v} for k, v in given.items() if v is not None]


def inspection_body(template, site_id, **changes):
    finished = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "id": uid(),
        "template_id": template["id"],
        "site_id": str(site_id),
        "mode": "routine_patrol",
        "started_at": (finished - timedelta(minutes=20)).isoformat(),
        "finished_at": finished.isoformat(),
        "answers": answers(),
        **changes,
    }
