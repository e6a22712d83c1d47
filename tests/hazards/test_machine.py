"""The state machine, exhaustively: every action from every state, by every role, written out by hand."""

import itertools

import pytest

from server.auth.scope import ROLES
from server.hazards import machine

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
    ("acknowledged", "order_rectification"): "rectifying",
    ("rectifying", "order_rectification"): "rectifying",
    ("acknowledged", "invite_expert"): "acknowledged",
    ("rectifying", "invite_expert"): "rectifying",
    ("submitted", "invite_expert"): "submitted",
    ("acknowledged", "record_finding"): "acknowledged",
    ("rectifying", "record_finding"): "rectifying",
    ("submitted", "record_finding"): "submitted",
    # major hazards: the state stays, given the facts below
    ("acknowledged", "submit_plan"): "acknowledged",
    ("rectifying", "submit_plan"): "rectifying",
    ("acknowledged", "record_dual_report"): "acknowledged",
    ("rectifying", "record_dual_report"): "rectifying",
    ("submitted", "record_dual_report"): "submitted",
    ("closed", "record_dual_report"): "closed",
    ("acknowledged", "list"): "acknowledged",
    ("rectifying", "list"): "rectifying",
    ("submitted", "list"): "submitted",
    ("rectifying", "request_extension"): "rectifying",
    ("rectifying", "decide_extension"): "rectifying",
    ("closed", "delist"): "closed",
}
# What must hold of the hazard beyond its state (written out, like ALLOWED).
NEEDS = {
    "submit_plan": {"major"},
    "record_dual_report": {"major"},
    "list": {"major", "not_listed"},
    "request_extension": {"major", "no_extension_yet", "before_deadline"},
    "decide_extension": {"extension_pending"},
    "delist": {"listed"},
}
# Roles that may also take an action, only where a fact holds of the hazard (written out, like ALLOWED).
ALSO_WHO = {"acknowledge": {"department_officer": {"transferred"}}}
WHO = {
    "acknowledge": {"station_officer"},
    "reject": {"station_officer"},
    "merge": {"station_officer"},
    "transfer": {"station_officer"},
    "issue_notice": {"station_officer", "enforcement_officer", "department_officer"},
    "submit_rectification": {"enterprise_user", "station_officer"},
    "self_rectify": {"enterprise_user"},
    "close": {"station_officer", "enforcement_officer", "department_officer"},
    "return": {"station_officer", "enforcement_officer", "department_officer"},
    "order_rectification": {"enforcement_officer"},  # by law, and no one else
    "invite_expert": {"station_officer", "supervisor"},
    "record_finding": {"expert"},  # and where invited (tests/hazards/test_officers.py)
    "submit_plan": {"enterprise_user", "station_officer"},
    "record_dual_report": {"enterprise_user"},
    "list": {"supervisor"},
    "request_extension": {"enterprise_user"},
    "decide_extension": {"supervisor", "station_officer"},
    "delist": {"supervisor"},
}
EVERYTHING = {
    "reason": "r",
    "duplicate_of": "x",
    "sector": "market",
    "deadline": "d",
    "responsible_party": "p",
    "description": "d",
    "photo_ids": ["p"],
    "result": "ok",
    "plan": {"measures": "m"},
    "approved": False,
    "regulator_reported_at": "t",
    "workers_congress_reported_at": "t",
    "requirements": "q",
    "co_signer": "u",
    "expert": "u",
    "finding": "f",
}


def test_the_machine_has_exactly_the_actions_and_states_of_the_table():
    assert set(machine.MACHINE) == set(WHO)
    assert {s for s, _ in ALLOWED} | set(ALLOWED.values()) <= set(machine.STATES)


def needs(action):
    return NEEDS.get(action, set())


@pytest.mark.parametrize("state,action", list(itertools.product(machine.STATES, machine.MACHINE)))
def test_every_action_from_every_state(state, action):
    roles, facts = WHO[action], needs(action)
    if (state, action) in ALLOWED:
        step = machine.check(state, action, roles, EVERYTHING, facts)
        assert (step.to or state) == ALLOWED[state, action]
    else:
        with pytest.raises(machine.InvalidTransition) as refused:
            machine.check(state, action, roles, EVERYTHING, facts)
        assert refused.value.allowed == sorted(
            a for (s, a) in ALLOWED if s == state and WHO[a] & roles and needs(a) <= facts
        )


@pytest.mark.parametrize("action,fact", [(a, f) for a, facts in NEEDS.items() for f in facts])
def test_a_major_hazard_action_needs_each_of_its_facts(action, fact):
    state = next(s for (s, a) in ALLOWED if a == action)
    with pytest.raises(machine.InvalidTransition):
        machine.check(state, action, WHO[action], EVERYTHING, needs(action) - {fact})


@pytest.mark.parametrize("action,role", list(itertools.product(machine.MACHINE, ROLES)))
def test_every_action_by_every_role(action, role):
    state = next(s for (s, a) in ALLOWED if a == action)
    if role in WHO[action]:
        machine.check(state, action, {role}, EVERYTHING, needs(action))
    else:
        with pytest.raises(machine.NotPermitted):
            machine.check(state, action, {role}, EVERYTHING, needs(action))


@pytest.mark.parametrize("action,role,facts", [(a, r, f) for a, who in ALSO_WHO.items() for r, f in who.items()])
def test_a_role_admitted_only_where_a_fact_holds_needs_it(action, role, facts):
    state = next(s for (s, a) in ALLOWED if a == action)
    assert action in machine.allowed_actions(state, {role}, facts)
    machine.check(state, action, {role}, EVERYTHING, facts)
    with pytest.raises(machine.NotPermitted):
        machine.check(state, action, {role}, EVERYTHING, set())
    assert action not in machine.allowed_actions(state, {role}, set())


def test_only_the_roles_of_the_table_are_admitted_where_a_fact_holds():
    assert {a: {r: {c.name for c in w} for r, w in (s.also_by or {}).items()} for a, s in machine.MACHINE.items()} == {
        a: ALSO_WHO.get(a, {}) for a in machine.MACHINE
    }


@pytest.mark.parametrize(
    "action,required",
    [
        ("reject", ["reason"]),
        ("merge", ["reason", "duplicate_of"]),
        ("transfer", ["reason", "sector"]),
        ("issue_notice", ["responsible_party"]),
        ("submit_rectification", ["description", "photo_ids"]),
        ("self_rectify", ["description", "photo_ids"]),
        ("close", ["result"]),
        ("return", ["result", "deadline"]),
        ("acknowledge", []),
        ("submit_plan", ["plan"]),
        ("record_dual_report", ["regulator_reported_at", "workers_congress_reported_at"]),
        ("list", ["reason"]),
        ("request_extension", ["deadline", "reason"]),
        ("decide_extension", ["approved", "reason"]),
        ("delist", ["reason"]),
        ("order_rectification", ["deadline", "requirements", "co_signer"]),
        ("invite_expert", ["expert"]),
        ("record_finding", ["finding"]),
    ],
)
def test_what_each_action_requires(action, required):
    state = next(s for (s, a) in ALLOWED if a == action)
    role = sorted(WHO[action])[0]
    if required:
        with pytest.raises(machine.MissingRequirements) as missing:
            machine.check(state, action, {role}, {"photo_ids": []}, needs(action))
        assert missing.value.fields == required
    else:
        machine.check(state, action, {role}, {}, needs(action))


def test_allowed_actions_depend_on_the_roles_held():
    assert machine.allowed_actions("reported", {"grid_worker"}) == []
    assert machine.allowed_actions("reported", {"enterprise_user"}) == ["self_rectify"]
    assert machine.allowed_actions("reported", {"station_officer"}) == ["acknowledge", "merge", "reject", "transfer"]


def test_the_flags_shown_beside_a_state_are_conditions_the_actions_name():
    named = {condition.name for action in machine.MACHINE.values() for condition in action.conditions}
    assert set(machine.FLAGS) <= named
    assert machine.flags({"extension_pending", "major", "listed"}) == ["listed", "extension_pending"]


def test_a_decision_offers_its_answers_and_a_form_names_its_fields_as_the_action_needs():
    forms = {a["code"]: {f["name"]: f for f in a["fields"]} for a in machine.vocabulary()["hazard_actions"]}
    assert [c["value"] for c in forms["decide_extension"]["approved"]["choices"]] == [True, False]
    assert forms["request_extension"]["deadline"]["zh"] == "延期至"  # not 整改期限, the deadline in force
    assert all(f["choices"] == [] for form in forms.values() for name, f in form.items() if name != "approved")
