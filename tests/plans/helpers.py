"""What the plan tests share: a published checklist, a plan over street A's community, its period, a submission."""

from datetime import UTC, datetime, timedelta

from server.core.db import db
from server.plans import periods
from tests.conftest import Caller, issue_token, make_user, uid
from tests.inspections.factory import answers, published

FINISHED = datetime.now(UTC) - timedelta(minutes=5)  # when the tests' inspections finish
PERIOD = periods.containing("monthly", periods.local_date(FINISHED)).key  # …and the month that holds it


def checklist(login_as) -> dict:
    return published(login_as("admin"))  # 测试巡查表: markets and fire lanes


def make_plan(caller, template, world, status=201, **changes) -> dict:
    body = {
        "name": "社区月度巡查",
        "area_id": world["comm_a"],
        "frequency": "monthly",
        "template_family_id": template["family_id"],
        "assignee": "grid_worker",
        **changes,
    }
    made = caller.post("/api/v1/plans", json=body)
    assert made.status_code == status, made.json
    return made.json


def generate(caller, plan, period=PERIOD, status=200) -> dict:
    made = caller.post(f"/api/v1/plans/{plan['id']}/generate", query_string={"period": period})
    assert made.status_code == status, made.json
    return made.json


def tasks(caller, **query) -> list[dict]:
    found = caller.get("/api/v1/tasks", query_string={"page_size": 100, **query})
    assert found.status_code == 200, found.json
    return found.json


def inspect(caller, template, site_id, finished=FINISHED, **changes) -> dict:
    body = {
        "id": uid(),
        "template_id": template["id"],
        "site_id": str(site_id),
        "mode": "routine_patrol",
        "started_at": (finished - timedelta(minutes=20)).isoformat(),
        "finished_at": finished.isoformat(),
        "answers": answers(),
        **changes,
    }
    sent = caller.post("/api/v1/inspections", json=body)
    assert sent.status_code == 201, sent.json
    return sent.json


def someone(app, client, role, **scope) -> Caller:
    """A signed-in user holding `role` where the test says (login_as keeps to the scoping table's places)."""
    with app.app_context():
        user = make_user(role, **scope)
        token = issue_token(user)
        db.session.commit()
    return Caller(client, user, token)
