"""The people a warning reaches in the test world, and a district to issue it."""

from datetime import timedelta

import pytest

from server.areas.models import Area
from server.core.db import db
from server.core.time import utcnow
from tests.conftest import WORLD, Caller, issue_token, make_user, uid


@pytest.fixture
def person(app, client):
    """person("grid_worker", area_id=...) → a Caller for a fresh user of that role and scope."""

    def make(role, **scope):
        with app.app_context():
            user = make_user(role, **scope)
            token = issue_token(user)
            db.session.commit()
        return Caller(client, user, token)

    return make


@pytest.fixture
def town(app, person, login_as):
    """Grid workers of each grid, the two streets' stations, the two enterprises' leads, someone of a third street,
    and the district's supervisor."""
    with app.app_context():
        third = db.session.query(Area).filter_by(code="420103003").one().id
    return {
        "district": login_as("supervisor"),
        "a1": person("grid_worker", area_id=WORLD["grid_a1"]),
        "a2": person("grid_worker", area_id=WORLD["grid_a2"]),
        "b1": person("grid_worker", area_id=WORLD["grid_b1"]),
        "station_a": person("station_officer", area_id=WORLD["street_a"]),
        "station_b": person("station_officer", area_id=WORLD["street_b"]),
        "market_lead": person("enterprise_user", enterprise_id=WORLD["market"]),
        "mall_lead": person("enterprise_user", enterprise_id=WORLD["mall"]),
        "elsewhere": person("grid_worker", area_id=third),
        "station_elsewhere": person("station_officer", area_id=third),
    }


def warning_body(area_ids, **changes):
    return {
        "id": uid(),
        "sender": "weather",
        "event": "rainstorm",
        "level": "red",
        "area_ids": area_ids,
        "headline": "武汉市气象台发布暴雨红色预警信号",
        "description": "预计未来3小时内江汉区降雨量将达100毫米以上。",
        "instruction": "立即转移低洼地带人员，关闭地下空间，网格员逐户告知。",
        "expires_at": (utcnow() + timedelta(hours=12)).isoformat(),
        **changes,
    }


def issue(caller, area_ids, **changes):
    resp = caller.post("/api/v1/warnings", json=warning_body(area_ids, **changes))
    assert resp.status_code == 201, resp.json
    return resp.json
