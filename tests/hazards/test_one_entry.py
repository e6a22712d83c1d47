"""The machine is the one source of the loop: an action added in one entry of hazards.machine.MACHINE is offered,
checked, applied, recorded, timed and described to the phone, with nothing else changed."""

from datetime import datetime, timedelta

import pytest

from server.hazards import clocks, effects, machine
from tests.conftest import uid
from tests.hazards.test_loop import act, events_of, later, report

REOPEN = machine.Action(
    zh="重新整改",
    en="Reopen",
    from_=frozenset({"closed"}),
    to="rectifying",
    by=frozenset({"station_officer"}),
    requires=("result", "deadline"),
    effect=effects.set_deadline,
    starts=(clocks.start_deadline, effects.notify_returned),
)


@pytest.fixture
def reopen(monkeypatch):
    monkeypatch.setitem(machine.MACHINE, "reopen", REOPEN)


def closed_hazard(login_as, world) -> dict:
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = report(login_as("grid_worker"), world)
    act(station, hazard["id"], "acknowledge")
    act(station, hazard["id"], "issue_notice", deadline=later(), responsible_party="测试农贸市场有限公司")
    act(enterprise, hazard["id"], "submit_rectification", description="已清理杂物", photo_ids=[uid()])
    assert act(station, hazard["id"], "close", result="通过").json["state"] == "closed"
    return hazard


def test_an_action_added_in_one_entry_works_end_to_end(app, login_as, world, reopen):
    station, enterprise = login_as("station_officer"), login_as("enterprise_user")
    hazard = closed_hazard(login_as, world)
    url = f"/api/v1/hazards/{hazard['id']}"
    assert "reopen" in station.get(url).json["allowed_actions"]
    assert "reopen" not in enterprise.get(url).json["allowed_actions"]

    described = {a["code"]: a for a in station.get("/api/v1/vocabularies").json["hazard_actions"]}["reopen"]
    assert (described["zh"], described["from"], described["to"]) == ("重新整改", ["closed"], "rectifying")
    assert [(f["name"], f["kind"], f["required"], f["zh"]) for f in described["fields"]] == [
        ("result", "textarea", True, "复查结果"),
        ("deadline", "date", True, "整改期限"),
    ]

    missing = act(station, hazard["id"], "reopen", result="复发")
    assert missing.status_code == 422 and "deadline" in missing.json["errors"]["json"]
    assert act(enterprise, hazard["id"], "reopen", result="复发", deadline=later()).status_code == 403
    deadline = later(3)
    reopened = act(station, hazard["id"], "reopen", result="复发", deadline=deadline)
    assert reopened.status_code == 200 and reopened.json["state"] == "rectifying"
    assert reopened.json["allowed_actions"] == [
        "invite_expert",
        "submit_rectification",
    ]  # the station's, rectifying again
    assert events_of(app, hazard["id"])[-1] == ("reopen", "closed", "rectifying")
    assert [n["kind"] for n in enterprise.get("/api/v1/inbox").json].count("returned") == 1

    with app.app_context():  # the deadline it set is timed: overdue → supervision
        clocks.tick(datetime.fromisoformat(deadline) + timedelta(seconds=1))
    assert events_of(app, hazard["id"])[-1] == ("supervise", "rectifying", "rectifying")


def test_an_action_not_in_the_machine_is_refused_as_input(login_as, world):
    station = login_as("station_officer")
    hazard = closed_hazard(login_as, world)
    refused = act(station, hazard["id"], "reopen", result="复发", deadline=later())
    assert refused.status_code == 422 and "action" in refused.json["errors"]["json"]
