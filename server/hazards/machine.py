"""The hazard loop as data (隐患闭环), and the one function that moves a hazard through it.

reported → acknowledged (受理) | rejected | merged → rectifying (整改中, a notice with a deadline)
→ submitted (整改完成待复查, with proof) → closed (销号) | back to rectifying.
An enterprise may also rectify its own hazard straight away (自查自改): reported → submitted.
Each transition says who may make it (roles, within their scope), what it requires, and what it
starts; nothing else in the code changes a hazard's state.
"""
from dataclasses import dataclass

from server.core.errors import DomainError
from server.core.i18n import tr

STATES = {
    "reported": ("待受理", "Reported"), "acknowledged": ("已受理", "Acknowledged"),
    "rejected": ("不予受理", "Rejected"), "merged": ("已合并", "Merged as a duplicate"),
    "rectifying": ("整改中", "Being rectified"), "submitted": ("整改完成待复查", "Rectified, awaiting re-inspection"),
    "closed": ("已销号", "Closed"),
}
OFFICERS = frozenset({"station_officer", "enforcement_officer", "department_officer"})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: the state stays (a transfer changes who handles it, not where it is)
    roles: frozenset
    requires: tuple = ()
    starts: tuple = ()  # what follows: clocks, notifications, documents (named for the record and the docs)
    zh: str = ""
    when: tuple = ()  # conditions on the hazard beyond its state (see FACTS), all of which must hold


MACHINE = {
    "acknowledge": Transition(frozenset({"reported"}), "acknowledged", frozenset({"station_officer"}),
                              starts=("forward_major",), zh="受理"),
    "reject": Transition(frozenset({"reported"}), "rejected", frozenset({"station_officer"}),
                         requires=("reason",), zh="不予受理"),
    "merge": Transition(frozenset({"reported", "acknowledged"}), "merged", frozenset({"station_officer"}),
                        requires=("reason", "duplicate_of"), zh="合并为重复"),
    "transfer": Transition(frozenset({"reported", "acknowledged"}), None, frozenset({"station_officer"}),
                           requires=("reason", "sector"), starts=("notify_department",), zh="移送"),
    "issue_notice": Transition(frozenset({"acknowledged"}), "rectifying", OFFICERS,
                               requires=("responsible_party",),  # the deadline defaults by level
                               starts=("rectification_notice", "deadline_clock", "notify_enterprise"), zh="下达整改意见"),
    "submit_rectification": Transition(frozenset({"rectifying"}), "submitted",
                                       frozenset({"enterprise_user", "station_officer"}),
                                       requires=("description", "photo_ids"), starts=("reinspection_clock",),
                                       zh="提交整改"),
    "self_rectify": Transition(frozenset({"reported"}), "submitted", frozenset({"enterprise_user"}),
                               requires=("description", "photo_ids"), starts=("reinspection_clock",), zh="自查自改"),
    "close": Transition(frozenset({"submitted"}), "closed", OFFICERS, requires=("result",),
                        starts=("reinspection_opinion",), zh="复查通过，销号"),
    "return": Transition(frozenset({"submitted"}), "rectifying", OFFICERS, requires=("result", "deadline"),
                         starts=("reinspection_opinion", "deadline_clock", "notify_returned"), zh="复查未通过，退回整改"),
    # major hazards only
    "submit_plan": Transition(frozenset({"acknowledged", "rectifying"}), None,
                              frozenset({"enterprise_user", "station_officer"}), requires=("plan",), when=("major",),
                              zh="报送整改方案（五落实）"),
    "record_dual_report": Transition(frozenset({"acknowledged", "rectifying", "submitted", "closed"}), None,
                                     frozenset({"enterprise_user"}),
                                     requires=("regulator_reported_at", "workers_congress_reported_at"),
                                     when=("major",), zh="双报告"),
    "list": Transition(frozenset({"acknowledged", "rectifying", "submitted"}), None, frozenset({"supervisor"}),
                       requires=("reason",), when=("major", "not_listed"), starts=("listing_notice",),
                       zh="挂牌督办"),
    "request_extension": Transition(frozenset({"rectifying"}), None, frozenset({"enterprise_user"}),
                                    requires=("deadline", "reason"),
                                    when=("major", "no_extension_yet", "before_deadline"),
                                    starts=("notify_extension",), zh="申请延期"),
    "decide_extension": Transition(frozenset({"rectifying"}), None, frozenset({"supervisor", "station_officer"}),
                                   requires=("approved", "reason"), when=("extension_pending",),
                                   starts=("deadline_clock",), zh="审批延期"),
    "delist": Transition(frozenset({"closed"}), None, frozenset({"supervisor"}), requires=("reason",),
                         when=("listed",), zh="摘牌销号"),
}
# The conditions `when` may name; the hazard's facts (hazards.services.facts) say which hold.
FACTS = ("major", "not_listed", "listed", "no_extension_yet", "extension_pending", "before_deadline")


class InvalidTransition(DomainError):
    """The action does not apply to the hazard's state: 409, with the actions that do."""

    status, code = 409, "invalid_transition"
    # the state is named in Chinese in both languages, as the field app shows it
    zh, en = "隐患当前为“{s}”，不能执行该操作", "The hazard is “{s}”: this action does not apply"

    def __init__(self, state: str, allowed: list[str]):
        super().__init__(state, allowed, s=STATES[state][0])
        self.state, self.allowed = state, allowed

    def errors(self):
        return {"allowed": self.allowed, "state": self.state}


class NotPermitted(DomainError):
    """The caller holds no role that may take this action on this hazard: 403."""

    status = 403
    zh, en = "您在该隐患所在范围内没有执行此操作的角色", "No role of yours may do this to this hazard"


class MissingRequirements(DomainError):
    """What the action needs and was not given: 422, by field."""

    status = 422

    def __init__(self, fields: list[str]):
        super().__init__(fields)
        self.fields = fields

    def errors(self):
        return {"json": {f: [tr("此操作需要该项", "This action requires it")] for f in self.fields}}


def _applies(transition: Transition, state: str, facts) -> bool:
    return state in transition.sources and set(transition.when) <= set(facts)


def allowed_actions(state: str, roles: set[str], facts=()) -> list[str]:
    """The actions someone holding `roles` may take from `state` given the hazard's facts (scope aside)."""
    return sorted(name for name, t in MACHINE.items() if _applies(t, state, facts) and t.roles & roles)


def check(state: str, action: str, roles: set[str], payload: dict, facts=()) -> Transition:
    """Whether `action` may be taken now, on a hazard in `state` with `facts`, by someone with `roles`
    (held where the hazard is) and `payload`: the transition, or why not, as an exception."""
    transition = MACHINE[action]
    if not _applies(transition, state, facts):
        raise InvalidTransition(state, allowed_actions(state, roles, facts))
    if not transition.roles & roles:
        raise NotPermitted(action)
    missing = [name for name in transition.requires if payload.get(name) in (None, "", [])]
    if missing:
        raise MissingRequirements(missing)
    return transition
