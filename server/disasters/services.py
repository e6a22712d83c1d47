"""Opening a disaster, the communities' reports of it (idempotent on the phone's id, in the order the statistical
rules set, a sharp change explained), and ending its response."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.auth.scope import Grants, covers_area
from server.auth.services import Identity
from server.core.db import db
from server.core.errors import DomainError
from server.core.time import utcnow
from server.disasters import clocks
from server.disasters.models import FIGURES, REPORT_KINDS, Disaster, DisasterReport
from server.evidence import services as evidence

CONTENT = ("community_id", "kind", *FIGURES, "explanation")


class Conflict(DomainError):
    status, code = 409, "id_conflict"
    zh = "该编号已用于您的另一份内容不同的报表（{f}）"
    en = "This id belongs to another report of yours, with other content ({f})"

    def __init__(self, fields):
        super().__init__(fields, f=", ".join(fields))
        self.fields = fields

    def errors(self):
        return {"json": {f: ["differs"] for f in self.fields}}


class IdTaken(DomainError):
    status, code = 409, "id_taken"
    zh, en = "该编号已被占用，请用新的编号重新填报", "This id is taken: report again under a new id"


class OutOfOrder(DomainError):
    """初报 once and first, 续报 after it, 核报 once and last."""

    status, field = 409, "kind"

    def __init__(self, code, zh, en):
        super().__init__()
        self.code, self.zh, self.en = code, zh, en


class NotACommunity(DomainError):
    status, code, field = 422, "validation_error", "community_id"
    zh, en = "请选择本次灾害范围内、您负责的社区", "Choose a community of yours within the disaster's area"


class ExplanationRequired(DomainError):
    """A figure moved sharply since the community's previous report: the statistical rules ask why, in writing."""

    status, code, field = 422, "explanation_required", "explanation"
    zh = "与上次报表相比变化较大（{f}），请填写变化原因说明"
    en = "Figures changed sharply since the previous report ({f}): explain why"

    def __init__(self, changes: dict):
        names = "、".join(FIGURES[f][0] for f in changes)
        super().__init__(changes, f=names)
        self.changes = changes

    def errors(self):
        message = self.message()
        return {
            "json": {
                "explanation": [message],
                **{f: [f"{old:g} → {new:g}"] for f, (old, new) in self.changes.items()},
            }
        }


def open_disaster(identity: Identity, body: dict) -> Disaster:
    disaster = Disaster(**body, created_by_id=identity.user_id)
    db.session.add(disaster)
    db.session.flush()
    clocks.start(disaster)
    evidence.record("disaster", disaster.id, "open", actor_id=identity.user_id, to_state="responding")
    return disaster


def end_response(identity: Identity, disaster: Disaster) -> Disaster:
    if disaster.response_active:
        disaster.response_active, disaster.ended_at = False, utcnow()
        db.session.flush()
        evidence.record(
            "disaster", disaster.id, "end", actor_id=identity.user_id, from_state="responding", to_state="ended"
        )
    return disaster


def previous_reports(disaster_id, community_id) -> list[DisasterReport]:
    return db.session.scalars(
        select(DisasterReport)
        .where(DisasterReport.disaster_id == disaster_id, DisasterReport.community_id == community_id)
        .order_by(DisasterReport.received_at, DisasterReport.id)
    ).all()


def sharp_changes(previous: DisasterReport | None, body: dict) -> dict:
    """The figures that moved by more than DISASTER_SHARP_CHANGE_PERCENT of their previous value and by at least
    their minimum (FIGURES): {figure: (old, new)}."""
    if previous is None:
        return {}
    share = current_app.config["DISASTER_SHARP_CHANGE_PERCENT"] / 100
    changes = {}
    for name, (_zh, _en, _unit, least) in FIGURES.items():
        old, new = getattr(previous, name), body.get(name, 0)
        if abs(new - old) >= least and abs(new - old) > old * share:
            changes[name] = (old, new)
    return changes


def submit(identity: Identity, disaster: Disaster, body: dict, report_grants: Grants) -> tuple[DisasterReport, bool]:
    """Store a community's report (or find the one stored under its id): (report, whether new)."""
    body = {
        **body,
        "direct_loss": round(float(body.get("direct_loss", 0)), 2),
        "explanation": body["explanation"].strip(),
    }
    stored = db.session.get(DisasterReport, body["id"])
    if stored is not None:
        if stored.reporter_id != identity.user_id or stored.disaster_id != disaster.id:
            raise IdTaken
        different = [n for n in CONTENT if getattr(stored, n) != body[n]]
        if different:
            raise Conflict(different)
        return stored, False
    community = db.session.get(Area, body["community_id"])
    if not _may_report_for(community, disaster, report_grants):
        raise NotACommunity
    earlier = previous_reports(disaster.id, community.id)
    _in_order(body["kind"], earlier)
    changes = sharp_changes(earlier[-1] if earlier else None, body)
    if changes and len(body["explanation"]) < 4:
        raise ExplanationRequired(changes)
    now = utcnow()
    hours = current_app.config["DISASTER_FIRST_REPORT_HOURS"]
    report = DisasterReport(
        **{k: body[k] for k in ("id", "community_id", "kind", *FIGURES, "explanation")},
        disaster_id=disaster.id,
        reporter_id=identity.user_id,
        received_at=now,
        late=body["kind"] == "initial" and now > disaster.started_at + timedelta(hours=hours),
    )
    db.session.add(report)
    db.session.flush()
    evidence.record(
        "disaster",
        disaster.id,
        body["kind"],
        actor_id=identity.user_id,
        reason=report.explanation,
        client_id=f"disaster_report:{report.id}",
        data={"report_id": str(report.id), "community_id": community.id, **{k: getattr(report, k) for k in FIGURES}},
    )
    return report, True


def _may_report_for(community: Area | None, disaster: Disaster, grants: Grants) -> bool:
    if community is None or community.level != "community":
        return False
    area = db.session.get(Area, disaster.area_id)
    if not community.path.startswith(area.path):
        return False
    # their areas cover the community, or it is the community of their grid (a grid worker reports for it)
    own = {i for path in grants.area_paths for i in path_ids(path)}
    return covers_area(grants, community) or community.id in own


def _in_order(kind: str, earlier: list[DisasterReport]):
    kinds = [r.kind for r in earlier]
    if "verified" in kinds:
        raise OutOfOrder("verified_made", "该社区已核报，不能再报", "The community's verified report is made")
    if kind == "initial" and kinds:
        raise OutOfOrder("initial_made", "该社区已初报，请续报", "The first report is made: send a follow-up")
    if kind != "initial" and not kinds:
        raise OutOfOrder("initial_first", "请先初报", "Send the first report first")


def kind_name(kind: str) -> str:
    return REPORT_KINDS[kind][0]
