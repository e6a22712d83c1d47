"""What may be done to an incident, as data: each action's names, the states it applies from, where it leads, the
roles that take it, and whether it needs a note. `check()` is the one function that decides."""

from dataclasses import dataclass

from server.core.errors import DomainError


@dataclass(frozen=True)
class Action:
    zh: str
    en: str
    from_: frozenset
    to: str | None  # None: the incident stays where it is
    by: frozenset
    note_required: bool = False


OPEN = frozenset({"received", "forwarded", "acknowledged"})
ACTIONS = {
    # the street station sends it on to the district (区应急管理局): the 30-minute target (indicator 4)
    "forward": Action(
        "报区", "Forward to the district", frozenset({"received"}), "forwarded", frozenset({"station_officer", "admin"})
    ),
    "acknowledge": Action(
        "确认接报", "Acknowledge", frozenset({"forwarded"}), "acknowledged", frozenset({"supervisor", "admin"})
    ),
    "request_followup": Action(
        "要求续报",
        "Ask for a follow-up",
        frozenset({"forwarded", "acknowledged"}),
        None,
        frozenset({"supervisor", "admin"}),
        note_required=True,
    ),
}
# the later reports (续报, 终报): who makes them, from which states
REPORTS = {
    "followup": Action("续报", "Follow-up report", OPEN, None, frozenset({"station_officer", "grid_worker", "admin"})),
    "final": Action(
        "终报",
        "Final report",
        frozenset({"forwarded", "acknowledged"}),
        "closed",
        frozenset({"station_officer", "admin"}),
    ),
}


class NotAllowed(DomainError):
    status, code = 409, "not_allowed"
    zh, en = "该突发事件当前不能进行此操作", "This cannot be done to the incident now"

    def __init__(self, allowed):
        super().__init__()
        self.allowed = allowed

    def errors(self):
        return {"allowed": self.allowed}


class NotYours(DomainError):
    status, code = 403, None
    zh, en = "您的角色不能对该突发事件进行此操作", "Your roles do not allow this on the incident"


def allowed(state: str, roles: set[str]) -> list[str]:
    """The actions and reports these roles may take from this state."""
    table = {**ACTIONS, **REPORTS}
    return [name for name, action in table.items() if state in action.from_ and action.by & roles]


def check(name: str, state: str, roles: set[str]) -> Action:
    action = {**ACTIONS, **REPORTS}[name]
    if not action.by & roles:
        raise NotYours
    if state not in action.from_:
        raise NotAllowed(allowed(state, roles))
    return action
