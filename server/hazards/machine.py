"""The hazard loop as data (隐患闭环), and the one function that decides whether a hazard may move through it.

reported → acknowledged (受理) | rejected | merged → rectifying (整改中, a notice with a deadline)
→ submitted (整改完成待复查, with proof) → closed (销号) | back to rectifying.
An enterprise may also rectify its own hazard straight away (自查自改): reported → submitted.
Enforcement officers alone order rectification by law (责令限期整改, two officers signing with their certificate
numbers); a station invites experts, who record their findings (专家意见) and never enforce.

Each action is one entry of MACHINE: where it applies from, where it leads, who may take it (roles, within their
scope), what its form asks for, what must hold of the hazard, what it does to the hazard and what it starts.
Everything else reads it from here: `services.transition()` applies it, the clocks lapse when the hazard leaves the
state an action set them in, the summary reads the deadline each event records, and the field app renders its forms
and its queued changes from `/api/v1/vocabularies`. Nothing else in the code changes a hazard's state.
"""

from collections.abc import Callable
from dataclasses import dataclass

from server.core.db import utcnow
from server.core.errors import DomainError
from server.core.i18n import tr
from server.hazards import clocks, effects

STATES = {
    "reported": ("待受理", "Reported"),
    "acknowledged": ("已受理", "Acknowledged"),
    "rejected": ("不予受理", "Rejected"),
    "merged": ("已合并", "Merged as a duplicate"),
    "rectifying": ("整改中", "Being rectified"),
    "submitted": ("整改完成待复查", "Rectified, awaiting re-inspection"),
    "closed": ("已销号", "Closed"),
}
OFFICERS = frozenset({"station_officer", "enforcement_officer", "department_officer"})


@dataclass(frozen=True)
class Field:
    """One thing an action's form asks for: how the phone asks it (`kind`) and its name on screen."""

    kind: str  # text, textarea, date, bool, photos, sector, hazard, plan, officer
    zh: str
    en: str
    parts: tuple = ()  # a plan's own fields (五落实), as (name, Field)
    # the answers offered, as (value, zh, en): the phone asks for one of them explicitly, and the record names the
    # one given by its name here (a decision is never a checkbox left unticked)
    choices: tuple = ()
    # an officer: the role of the colleague picked (from /api/v1/colleagues?role=…), sent as their id
    role: str | None = None


FIELDS = {
    "reason": Field("textarea", "理由", "Reason"),
    "result": Field("textarea", "复查结果", "Re-inspection result"),
    "duplicate_of": Field("hazard", "重复于", "Duplicate of"),
    "sector": Field("sector", "移送行业部门", "Transfer to sector"),
    "responsible_party": Field("text", "责任单位", "Responsible party"),
    "deadline": Field("date", "整改期限", "Deadline"),
    "requirements": Field("textarea", "整改要求", "Requirements"),
    "description": Field("textarea", "整改情况", "What was done"),
    "photo_ids": Field("photos", "整改照片", "Proof photos"),
    "plan": Field(
        "plan",
        "整改方案",
        "Rectification plan",
        parts=(
            ("measures", Field("textarea", "整改措施", "Measures")),
            ("responsible_person", Field("text", "责任人", "Responsible person")),
            ("funds", Field("text", "整改资金", "Funds")),
            ("deadline", Field("date", "方案完成期限", "Plan deadline")),
            ("contingency_plan", Field("textarea", "应急预案", "Contingency plan")),
        ),
    ),
    "regulator_reported_at": Field("date", "报告监管部门日期", "Reported to the regulator on"),
    "workers_congress_reported_at": Field("date", "报告职代会日期", "Reported to the workers' congress on"),
    "approved": Field(
        "bool",
        "审批结果",
        "Decision",
        choices=((True, "准予延期", "Grant the extension"), (False, "不予延期", "Refuse the extension")),
    ),
    "co_signer": Field("officer", "第二执法人员", "Second signing officer", role="enforcement_officer"),
    "expert": Field("officer", "受邀专家", "Expert invited", role="expert"),
    "finding": Field("textarea", "专家意见", "Expert finding"),
}
# The fields whose text is the event's reason (what the record shows after the action's name).
REASONS = ("reason", "result", "finding")
# What of a change goes into its event's data: every field but the reason (REASONS) and the photos (its
# attachments), and the name of each officer picked as it was then (the effect puts it in the change).
RECORDED = tuple(name for name in FIELDS if name not in (*REASONS, "photo_ids")) + tuple(
    f"{name}_name" for name, field in FIELDS.items() if field.kind == "officer"
)


@dataclass(frozen=True)
class Condition:
    """What must hold of a hazard, beyond its state, for an action to apply (`when`), by name."""

    name: str
    holds: Callable  # (hazard) → bool

    def __call__(self, hazard) -> bool:
        return bool(self.holds(hazard))


major = Condition("major", lambda h: h.level == "major")
listed = Condition("listed", lambda h: h.listed())
not_listed = Condition("not_listed", lambda h: not h.listed())
transferred = Condition("transferred", lambda h: h.transferred_at is not None)
no_extension_yet = Condition("no_extension_yet", lambda h: h.extension_until is None)
extension_pending = Condition(
    "extension_pending", lambda h: h.extension_until is not None and h.extension_decision is None
)
before_deadline = Condition("before_deadline", lambda h: h.deadline is not None and utcnow() < h.deadline)


@dataclass(frozen=True, kw_only=True)
class Action:
    """One action of the loop. `to` None: the state stays (a transfer changes who handles it, not where it is).
    `also_by`: roles that may take it too, each only where its own conditions hold of the hazard (a department
    acknowledges what a station transferred to it). `effect(hazard, body, identity)` changes the hazard before it
    moves; each of `starts` runs after the event is recorded (clocks, notices, documents). `accepts`: what the form
    also offers, not required; `labels`: a field's name on this action's form where it differs from FIELDS';
    `hints`: a line of help under a field."""

    zh: str
    en: str
    from_: frozenset
    to: str | None
    by: frozenset
    also_by: dict | None = None  # role → (Condition, ...)
    requires: tuple = ()
    accepts: tuple = ()
    when: tuple = ()
    effect: Callable | None = None
    starts: tuple = ()
    labels: dict | None = None
    hints: dict | None = None

    @property
    def conditions(self) -> set:
        """Every condition it names: its own (`when`) and those of the roles it admits only sometimes."""
        return set(self.when).union(*(self.also_by or {}).values())

    def takers(self, facts) -> frozenset:
        """The roles that may take it on a hazard with `facts`: `by`, and those of `also_by` whose conditions hold."""
        sometimes = {role for role, when in (self.also_by or {}).items() if {c.name for c in when} <= set(facts)}
        return self.by | sometimes

    @property
    def fields(self) -> tuple:
        """What the form asks, in order: the reason, which explains the rest, last."""
        return tuple(sorted(self.requires + self.accepts, key=lambda name: name == "reason"))


MACHINE = {
    "acknowledge": Action(
        zh="受理",
        en="Acknowledge",
        from_=frozenset({"reported"}),
        to="acknowledged",
        by=frozenset({"station_officer"}),
        also_by={"department_officer": (transferred,)},
        effect=effects.acknowledge,
        starts=(effects.forward_major,),
    ),
    "reject": Action(
        zh="不予受理",
        en="Reject",
        from_=frozenset({"reported"}),
        to="rejected",
        by=frozenset({"station_officer"}),
        requires=("reason",),
    ),
    "merge": Action(
        zh="合并为重复",
        en="Merge as duplicate",
        from_=frozenset({"reported", "acknowledged"}),
        to="merged",
        by=frozenset({"station_officer"}),
        requires=("reason", "duplicate_of"),
        effect=effects.merge,
    ),
    "transfer": Action(
        zh="移送",
        en="Transfer",
        from_=frozenset({"reported", "acknowledged"}),
        to=None,
        by=frozenset({"station_officer"}),
        requires=("reason", "sector"),
        effect=effects.transfer,
        starts=(effects.notify_department,),
    ),
    "issue_notice": Action(
        zh="下达整改意见",
        en="Issue notice",
        from_=frozenset({"acknowledged"}),
        to="rectifying",
        by=OFFICERS,
        requires=("responsible_party",),
        accepts=("deadline", "requirements"),  # the deadline defaults by level
        hints={"deadline": ("不填则按等级默认", "Empty: the default for the level")},
        effect=effects.issue_notice,
        starts=(effects.rectification_notice, clocks.start_deadline, effects.notify_enterprise),
    ),
    "submit_rectification": Action(
        zh="提交整改",
        en="Submit rectification",
        from_=frozenset({"rectifying"}),
        to="submitted",
        by=frozenset({"enterprise_user", "station_officer"}),
        requires=("description", "photo_ids"),
        starts=(effects.reinspection_due,),
    ),
    "self_rectify": Action(
        zh="自查自改",
        en="Self-rectify",
        from_=frozenset({"reported"}),
        to="submitted",
        by=frozenset({"enterprise_user"}),
        requires=("description", "photo_ids"),
        starts=(effects.reinspection_due,),
    ),
    "close": Action(
        zh="复查通过，销号",
        en="Pass re-inspection and close",
        from_=frozenset({"submitted"}),
        to="closed",
        by=OFFICERS,
        requires=("result",),
        accepts=("photo_ids",),
        labels={"photo_ids": ("复查照片", "Re-inspection photos")},
        effect=effects.close,
        starts=(effects.reinspection_opinion,),
    ),
    "return": Action(
        zh="复查未通过，退回整改",
        en="Fail re-inspection, return",
        from_=frozenset({"submitted"}),
        to="rectifying",
        by=OFFICERS,
        requires=("result", "deadline"),
        accepts=("photo_ids",),
        labels={"photo_ids": ("复查照片", "Re-inspection photos")},
        effect=effects.set_deadline,
        starts=(effects.reinspection_opinion, clocks.start_deadline, effects.notify_returned),
    ),
    # by law, enforcement officers only: two sign, each with their certificate number (执法证号)
    "order_rectification": Action(
        zh="责令限期整改",
        en="Order rectification",
        from_=frozenset({"acknowledged", "rectifying"}),
        to="rectifying",
        by=frozenset({"enforcement_officer"}),
        requires=("deadline", "requirements", "co_signer"),
        accepts=("responsible_party",),
        hints={"co_signer": ("须为持有执法证的另一名执法人员", "Another enforcement officer with a certificate")},
        effect=effects.order_rectification,
        starts=(effects.enforcement_order, clocks.start_deadline, effects.notify_ordered),
    ),
    # experts join by invitation, and may then record findings; they enforce nothing
    "invite_expert": Action(
        zh="邀请专家",
        en="Invite an expert",
        from_=frozenset({"acknowledged", "rectifying", "submitted"}),
        to=None,
        by=frozenset({"station_officer", "supervisor"}),
        requires=("expert",),
        accepts=("reason",),
        labels={"reason": ("邀请事项", "What to look at")},
        effect=effects.invite_expert,
        starts=(effects.notify_invited,),
    ),
    "record_finding": Action(
        zh="专家意见",
        en="Expert finding",
        from_=frozenset({"acknowledged", "rectifying", "submitted"}),
        to=None,
        by=frozenset({"expert"}),  # where invited: services.roles_here
        requires=("finding",),
        accepts=("photo_ids",),
        labels={"photo_ids": ("现场照片", "Photos")},
        effect=effects.record_finding,
    ),
    # major hazards only
    "submit_plan": Action(
        zh="报送整改方案（五落实）",
        en="Submit plan",
        from_=frozenset({"acknowledged", "rectifying"}),
        to=None,
        by=frozenset({"enterprise_user", "station_officer"}),
        requires=("plan",),
        when=(major,),
        effect=effects.submit_plan,
    ),
    "record_dual_report": Action(
        zh="双报告",
        en="Dual report",
        from_=frozenset({"acknowledged", "rectifying", "submitted", "closed"}),
        to=None,
        by=frozenset({"enterprise_user"}),
        requires=("regulator_reported_at", "workers_congress_reported_at"),
        when=(major,),
        effect=effects.record_dual_report,
    ),
    "list": Action(
        zh="挂牌督办",
        en="List for supervision",
        from_=frozenset({"acknowledged", "rectifying", "submitted"}),
        to=None,
        by=frozenset({"supervisor"}),
        requires=("reason",),
        when=(major, not_listed),
        effect=effects.list_,
        starts=(effects.listing_notice,),
    ),
    "request_extension": Action(
        zh="申请延期",
        en="Request extension",
        from_=frozenset({"rectifying"}),
        to=None,
        by=frozenset({"enterprise_user"}),
        requires=("deadline", "reason"),
        when=(major, no_extension_yet, before_deadline),
        labels={"deadline": ("延期至", "Extend to")},  # the deadline asked for, not the one in force
        effect=effects.request_extension,
        starts=(effects.notify_extension,),
    ),
    "decide_extension": Action(
        zh="审批延期",
        en="Decide extension",
        from_=frozenset({"rectifying"}),
        to=None,
        by=frozenset({"supervisor", "station_officer"}),
        requires=("approved", "reason"),
        when=(extension_pending,),
        effect=effects.decide_extension,
        starts=(clocks.start_deadline,),
    ),
    "delist": Action(
        zh="摘牌销号",
        en="De-list",
        from_=frozenset({"closed"}),
        to=None,
        by=frozenset({"supervisor"}),
        requires=("reason",),
        when=(listed,),
        effect=effects.delist,
    ),
}

# What the record shows that no action of the loop takes: a report, and what the server does by itself.
RECORD_ACTIONS = {  # shown with the event's reason after them ("督办：整改逾期，督办")
    "report": ("报告", "Report"),
    "forward": ("上报", "Forwarded"),
    "escalate": ("超时上报", "Escalated"),
    "supervise": ("督办", "Supervised"),
}
# The facts a hazard's page shows beside its state, by the name of their condition: the hazard's `flags`.
FLAGS = {
    "listed": ("挂牌督办", "Listed for supervision"),
    "extension_pending": ("延期待审批", "Extension awaiting a decision"),
    "transferred": ("已移送行业部门", "Transferred to its sector's department"),
}


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


def facts(hazard) -> set[str]:
    """The names of the conditions the actions name (`when`, `also_by`) that hold of the hazard now."""
    conditions = set().union(*(action.conditions for action in MACHINE.values()))
    return {condition.name for condition in conditions if condition(hazard)}


def _applies(action: Action, state: str, facts) -> bool:
    return state in action.from_ and {c.name for c in action.when} <= set(facts)


def allowed_actions(state: str, roles: set[str], facts=()) -> list[str]:
    """The actions someone holding `roles` may take from `state` given the hazard's facts (scope aside)."""
    return sorted(name for name, a in MACHINE.items() if _applies(a, state, facts) and a.takers(facts) & roles)


def check(state: str, action: str, roles: set[str], payload: dict, facts=()) -> Action:
    """Whether `action` may be taken now, on a hazard in `state` with `facts`, by someone with `roles`
    (held where the hazard is) and `payload`: the action, or why not, as an exception."""
    step = MACHINE[action]
    if not _applies(step, state, facts):
        raise InvalidTransition(state, allowed_actions(state, roles, facts))
    if not step.takers(facts) & roles:
        raise NotPermitted(action)
    missing = [name for name in step.requires if payload.get(name) in (None, "", [])]
    if missing:
        raise MissingRequirements(missing)
    return step


# ---- as the field app reads it (/api/v1/vocabularies) -----------------------------------------------------------


def _field(name: str, field: Field, label: tuple | None = None, required: bool | None = None, hint=None) -> dict:
    zh, en = label or (field.zh, field.en)
    out = {
        "name": name,
        "kind": field.kind,
        "zh": zh,
        "en": en,
        "parts": [_field(part, sub) for part, sub in field.parts],
        "choices": [{"value": value, "zh": czh, "en": cen} for value, czh, cen in field.choices],
        "hint": {"zh": hint[0], "en": hint[1]} if hint else None,
        "role": field.role,
    }
    return out if required is None else {**out, "required": required}


def _form(action: Action) -> list[dict]:
    labels, hints = action.labels or {}, action.hints or {}
    return [
        _field(name, FIELDS[name], labels.get(name), name in action.requires, hints.get(name)) for name in action.fields
    ]


def flags(facts) -> list[str]:
    """The facts of a hazard its page shows beside its state (FLAGS), in FLAGS' order."""
    return [name for name in FLAGS if name in facts]


def vocabulary() -> dict:
    """The loop for the phone: each state's name, and each action's name, where it applies from and leads, and
    the form it asks for (fields in order, with their kind, name, answers offered and help); the names of what else
    the record shows, of the hazard's fields as its page shows them, and of the flags beside its state."""
    return {
        "hazard_states": [{"code": code, "zh": zh, "en": en} for code, (zh, en) in STATES.items()],
        "hazard_actions": [
            {
                "code": code,
                "zh": a.zh,
                "en": a.en,
                "from": sorted(a.from_),
                "to": a.to,
                "by": sorted(a.by | set(a.also_by or {})),
                "fields": _form(a),
            }
            for code, a in MACHINE.items()
        ],
        "record_actions": [{"code": code, "zh": zh, "en": en} for code, (zh, en) in RECORD_ACTIONS.items()],
        "hazard_fields": [_field(name, field) for name, field in FIELDS.items()],
        "hazard_flags": [{"code": code, "zh": zh, "en": en} for code, (zh, en) in FLAGS.items()],
    }
