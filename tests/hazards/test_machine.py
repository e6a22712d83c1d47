"""The state machine, exhaustively: every action from every state, by every role, written out by hand."""
import itertools

import pytest

from server.hazards import machine
from server.people.models import ROLES

# (state, action) → the state it leads to; every pair not listed must be refused. Written out, not
# derived from machine.MACHINE, so that a change to the machine has to change this table too.
ALLOWED = {
    ("reported", "acknowledge"): "acknowledged",
    ("reported", "reject"): "rejected",
    ("reported", "merge"): "merged",
    ("acknowledged", "merge"): "merged",
    ("reported", "transfer"): "reported",
    ("acknowledged", "transfer"): "acknowledged",
    ("acknowledged", "issue_notice"): "rectifying",
    ("rectifying", "submit_rectification"): "submitted",
    ("reported", "self_rectify"): "submitted",
    ("submitted", "close"): "closed",
    ("submitted", "return"): "rectifying",
}
WHO = {
    "acknowledge": {"station_officer"}, "reject": {"station_officer"}, "merge": {"station_officer"},
    "transfer": {"station_officer"},
    "issue_notice": {"station_officer", "enforcement_officer", "department_officer"},
    "submit_rectification": {"enterprise_user", "station_officer"},
    "self_rectify": {"enterprise_user"},
    "close": {"station_officer", "enforcement_officer", "department_officer"},
    "return": {"station_officer", "enforcement_officer", "department_officer"},
}
EVERYTHING = {"reason": "r", "duplicate_of": "x", "sector": "market", "deadline": "d", "responsible_party": "p",
              "description": "d", "photo_ids": ["p"], "result": "ok"}


def test_the_machine_has_exactly_the_actions_and_states_of_the_table():
    assert set(machine.MACHINE) == set(WHO)
    assert {s for s, _ in ALLOWED} | set(ALLOWED.values()) <= set(machine.STATES)


@pytest.mark.parametrize("state,action", list(itertools.product(machine.STATES, machine.MACHINE)))
def test_every_action_from_every_state(state, action):
    roles = WHO[action]
    if (state, action) in ALLOWED:
        step = machine.check(state, action, roles, EVERYTHING)
        assert (step.target or state) == ALLOWED[state, action]
    else:
        with pytest.raises(machine.InvalidTransition) as refused:
            machine.check(state, action, roles, EVERYTHING)
        assert refused.value.allowed == sorted(a for (s, a) in ALLOWED if s == state and WHO[a] & roles)


@pytest.mark.parametrize("action,role", list(itertools.product(machine.MACHINE, ROLES)))
def test_every_action_by_every_role(action, role):
    state = next(s for (s, a) in ALLOWED if a == action)
    if role in WHO[action]:
        machine.check(state, action, {role}, EVERYTHING)
    else:
        with pytest.raises(machine.NotPermitted):
            machine.check(state, action, {role}, EVERYTHING)


@pytest.mark.parametrize("action,needs", [
    ("reject", ["reason"]), ("merge", ["reason", "duplicate_of"]), ("transfer", ["reason", "sector"]),
    ("issue_notice", ["deadline", "responsible_party"]), ("submit_rectification", ["description", "photo_ids"]),
    ("self_rectify", ["description", "photo_ids"]), ("close", ["result"]), ("return", ["result", "deadline"]),
    ("acknowledge", []),
])
def test_what_each_action_requires(action, needs):
    state = next(s for (s, a) in ALLOWED if a == action)
    role = sorted(WHO[action])[0]
    if needs:
        with pytest.raises(machine.MissingRequirements) as missing:
            machine.check(state, action, {role}, {"photo_ids": []})
        assert missing.value.fields == needs
    else:
        machine.check(state, action, {role}, {})


def test_allowed_actions_depend_on_the_roles_held():
    assert machine.allowed_actions("reported", {"grid_worker"}) == []
    assert machine.allowed_actions("reported", {"enterprise_user"}) == ["self_rectify"]
    assert machine.allowed_actions("reported", {"station_officer"}) == ["acknowledge", "merge", "reject", "transfer"]
