"""Reporting hazards (idempotent on the phone's id) and moving them through the loop, every step on record."""
import uuid
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.auth.services import Identity
from server.core.cache import Cached
from server.core.db import db
from server.core.time import clock_offset, on_server_clock, utcnow
from server.evidence import services as evidence
from server.hazards import clocks, documents, machine, queries
from server.hazards.models import Hazard, HazardCategory
from server.notifications import services as inbox
from server.photos import services as photos

# What the phone sent that makes one report: a repeat must send exactly this again.
CONTENT = ("site_id", "grid_id", "category", "level", "description", "source", "observed_at", "latitude",
           "longitude", "accuracy_m", "photo_ids")


class Refused(Exception):
    """A report or change the server will not take: a status, a stable code, and the field at fault."""

    def __init__(self, status: int, code: str, field: str, zh: str, en: str):
        super().__init__(en)
        self.status, self.code, self.field, self.zh, self.en = status, code, field, zh, en


class Conflict(Exception):
    """The id is the caller's own report, with other content: which fields differ."""

    def __init__(self, fields):
        self.fields = fields


class IdTaken(Exception):
    """The id is someone else's report: nothing of it may be told (out of scope reads like absent)."""


# ---- reporting -----------------------------------------------------------------------------------------

def report(identity: Identity, body: dict, site_scope, device_time: datetime | None = None) -> tuple[Hazard, bool]:
    """Store a hazard report (or find the one already stored under its id): (hazard, whether new).
    `device_time`: the phone's clock as it sent the report, which measures how far off that clock is."""
    body = {**body, "observed_at": body["observed_at"].astimezone(timezone.utc),
            "photo_ids": sorted({str(p) for p in body.get("photo_ids", [])})}
    if queries.report_stored(body["id"]):  # a replay: answered before anything else is checked again
        return _same_or_conflict(db.session.get(Hazard, body["id"]), identity, body), False
    hazard = Hazard(id=body["id"], reporter_id=identity.user_id, **_placed(body, site_scope, identity),
                    **{k: body.get(k) for k in ("category", "level", "description", "observed_at", "latitude",
                                                "longitude", "accuracy_m", "photo_ids")},
                    source=body.get("source") or _default_source(identity))
    _check_category(hazard.category)
    received = utcnow()
    hazard.received_at = received
    hazard.clock_offset_s = clock_offset(received, device_time)  # from the first arrival, not a replay's
    try:
        on_server_clock(hazard.observed_at, hazard.clock_offset_s)
    except OverflowError:
        raise Refused(422, "validation_error", "observed_at", "按设备时钟偏差校正后的发现时间超出了可表示的范围",
                      "observed_at, corrected by the phone's clock offset, falls outside the calendar") from None
    hazard.ack_due_at = received + timedelta(minutes=current_app.config["HAZARD_ACK_MINUTES"])
    hazard, created = queries.add_report(hazard, lambda stored: _same_or_conflict(stored, identity, body))
    if not created:
        return hazard, False
    # The hazard is new, so nothing cites it, times it or tells of it yet (reporting is the busiest write of all).
    photos.cite_new_record(_uuids(hazard.photo_ids), author=identity, record_type="hazard", record_id=hazard.id,
                           site_id=hazard.site_id, grid_id=hazard.grid_id)
    clocks.start_acknowledgement(hazard)
    inbox.notify_new_report(hazard)
    # Last: appending locks the chain's head until the commit, and every report queues on it.
    evidence.record("hazard", hazard.id, "report", actor_id=identity.user_id, to_state="reported",
                    attachments=hazard.photo_ids, client_id=f"report:{hazard.id}",
                    data={"category": hazard.category, "level": hazard.level, "site_id": _text(hazard.site_id)})
    return hazard, True


def _uuids(ids) -> list[uuid.UUID]:
    return [uuid.UUID(str(i)) for i in ids]


def _text(value):
    return str(value) if value is not None else None


def _same_or_conflict(existing: Hazard, identity: Identity, body: dict) -> Hazard:
    if existing.reporter_id != identity.user_id:
        raise IdTaken
    # the server fills in the grid of a report at a site, and the source of a report without one
    filled = {"grid_id"} if body.get("site_id") else set()
    filled |= {"source"} if body.get("source") is None else set()
    compared = [name for name in CONTENT if name in body and name not in filled]
    different = [name for name in compared if getattr(existing, name) != body[name]]
    if different:
        raise Conflict(different)
    return existing


def _default_source(identity: Identity) -> str:
    return "self_report" if any(r.role == "enterprise_user" for r in identity.roles) else "patrol"


def _check_category(code: str):
    if code not in _ACTIVE_CODES.get() and code not in _ACTIVE_CODES.refresh():  # or was it just added?
        raise Refused(422, "validation_error", "category", "没有这个隐患类别", "No such hazard category")


# The codes of the categories in use, asked on every report: read again at once when this process changes a
# category, and within a minute of a change made by another one. So a category switched off is refused within the
# minute everywhere (a retired category stays valid on the hazards that used it, so a minute's grace harms nothing),
# and one just added is accepted at once everywhere (an unknown code reads them again). Comparing a version on every
# report would cost each one more round trip to the database, to refuse a retired category a minute sooner.
_ACTIVE_CODES = Cached(queries.active_category_codes, model=HazardCategory, ttl=60)


def _placed(body: dict, site_scope, identity: Identity) -> dict:
    """Where the hazard is: its site (which gives the grid and the answerable enterprise) or a grid."""
    if body.get("site_id"):
        found = queries.placement(body["site_id"], site_scope)
        if found is None:
            raise Refused(422, "validation_error", "site_id", "场所不存在或不在您的范围内",
                          "No such site within your scope")
        return {"site_id": found.id, "grid_id": found.grid_id, "street_id": path_ids(found.path)[1],
                "enterprise_id": found.enterprise_id, "sector": found.sector}
    grid = db.session.get(Area, body["grid_id"]) if body.get("grid_id") else None
    if grid is None or grid.level != "grid":
        raise Refused(422, "validation_error", "grid_id", "请给出场所，或隐患所在的网格",
                      "Give the site, or the grid the hazard is in")
    if not any(r.area_path and grid.path.startswith(r.area_path) for r in identity.roles):
        raise Refused(422, "validation_error", "grid_id", "该网格不在您的范围内", "That grid is outside your scope")
    return {"site_id": None, "grid_id": grid.id, "street_id": path_ids(grid.path)[1], "enterprise_id": None,
            "sector": None}


# ---- moving through the loop -------------------------------------------------------------------------------

def roles_here(identity: Identity, hazard: Hazard, grid_path: str | None = None) -> set[str]:
    """The caller's roles whose scope covers this hazard: the roles they may act in on it."""
    grid_path = grid_path or db.session.get(Area, hazard.grid_id).path
    held = set()
    for role in identity.roles:
        if role.enterprise_id is not None:
            covers = role.enterprise_id == hazard.enterprise_id
        elif role.sector is not None:
            covers = role.sector == hazard.sector and grid_path.startswith(role.area_path)
        else:
            covers = grid_path.startswith(role.area_path)
        if covers:
            held.add(role.role)
    return held


def facts(hazard: Hazard) -> set[str]:
    """What holds of the hazard beyond its state, for the machine's conditions (machine.FACTS)."""
    held = set()
    if hazard.level == "major":
        held.add("major")
    held.add("listed" if hazard.listed_at and not hazard.delisted_at else "not_listed")
    if hazard.extension_until is None:
        held.add("no_extension_yet")
    elif hazard.extension_decision is None:
        held.add("extension_pending")
    if hazard.deadline and utcnow() < hazard.deadline:
        held.add("before_deadline")
    return held


def transition(identity: Identity, hazard: Hazard, body: dict) -> None:
    """Take one action on the hazard (checked by the machine), apply it, and record the event."""
    action = body["action"]
    step = machine.check(hazard.state, action, roles_here(identity, hazard), body, facts(hazard))
    from_state = hazard.state
    EFFECTS.get(action, lambda *_: None)(hazard, body, identity)
    if step.target:
        hazard.state = step.target
    db.session.flush()
    proof = [str(p) for p in body.get("photo_ids") or []]
    evidence.record("hazard", hazard.id, action, actor_id=identity.user_id, from_state=from_state,
                    to_state=hazard.state, reason=body.get("reason") or body.get("result") or "",
                    attachments=proof, client_id=body["id"],
                    data={k: _jsonable(body[k]) for k in RECORDED if body.get(k) is not None})
    if proof:
        photos.cite(_uuids(proof), author=identity, record_type="hazard", record_id=hazard.id,
                    site_id=hazard.site_id, grid_id=hazard.grid_id)
    for name in step.starts:
        STARTS[name](hazard, body, identity)


# What of a change's payload goes on the event record (beyond the reason or result and the photos).
RECORDED = ("deadline", "responsible_party", "requirements", "sector", "duplicate_of", "description", "plan",
            "approved", "regulator_reported_at", "workers_congress_reported_at")


def _jsonable(value):
    if hasattr(value, "astimezone"):
        return value.astimezone(timezone.utc).isoformat()
    return value if isinstance(value, (bool, dict)) else str(value)


def _acknowledge(hazard, _body, _identity):
    hazard.acknowledged_at = utcnow()


def _merge(hazard, body, identity):
    target = db.session.get(Hazard, body["duplicate_of"])
    if target is None or target.id == hazard.id or target.street_id != hazard.street_id:
        raise Refused(422, "validation_error", "duplicate_of", "要合并到的隐患不存在或不在同一街道",
                      "The hazard to merge into does not exist or is in another street")
    hazard.merged_into_id = target.id


def _transfer(hazard, body, _identity):
    hazard.sector = body["sector"]


def _issue_notice(hazard, body, _identity):
    if body.get("deadline") is None:  # the default for the level; written into the payload for the record
        days = current_app.config["HAZARD_DEADLINE_DAYS"][hazard.level]
        body["deadline"] = utcnow() + timedelta(days=days)
    _future(body["deadline"])
    hazard.deadline, hazard.responsible_party = body["deadline"], body["responsible_party"]


def _return(hazard, body, _identity):
    _future(body["deadline"])
    hazard.deadline = body["deadline"]


def _close(hazard, _body, _identity):
    hazard.closed_at = utcnow()


def _future(deadline):
    if deadline <= utcnow():
        raise Refused(422, "validation_error", "deadline", "整改期限应在将来", "The deadline must be in the future")


def _forward_major(hazard, _body, identity):
    """A major hazard goes to the district the moment it is acknowledged (the 30-minute rule, met at once)."""
    if hazard.level == "major":
        inbox.notify("major_forwarded", hazard, inbox.supervisors())
        evidence.record("hazard", hazard.id, "forward", actor_id=identity.user_id, from_state=hazard.state,
                        to_state=hazard.state, reason="重大隐患报区应急管理局", client_id=f"forward:{hazard.id}")


def _document(kind):
    def issue(hazard, body, identity):
        data = {k: _jsonable(body[k]) for k in ("deadline", "responsible_party", "result", "requirements")
                if body.get(k) is not None}
        documents.issue(hazard, kind, {**data, "issuer_id": str(identity.user_id),
                                       "passed": body["action"] == "close",
                                       "photo_ids": [str(p) for p in body.get("photo_ids") or []]})
    return issue


def _reinspection(hazard, _body, _identity):
    inbox.notify("reinspection_due", hazard, inbox.station_officers(hazard), key=str(hazard.version))
    clocks.start_reinspection(hazard)


def _listing_notice(hazard, body, identity):
    """挂牌督办通知书: numbered now, rendered after the commit; the deadline and the plan (五落实) go in as they
    stand at listing. The hazard carries the notice's number."""
    data = {"reason": body["reason"], "issuer_id": str(identity.user_id), "plan": hazard.plan,
            "deadline": _jsonable(hazard.deadline) if hazard.deadline else None,
            "responsible_party": hazard.responsible_party}
    hazard.listing_number = documents.issue(hazard, "listing_notice", data).number


def _notify(kind, recipients):
    # Keys carry the hazard's version: a notice after a failed re-inspection is a new one, a replay is not.
    return lambda h, _body, _identity: inbox.notify(kind, h, recipients(h), key=str(h.version))


# What a transition starts (machine.Transition.starts) → what does it.
STARTS = {
    "deadline_clock": lambda h, _body, _identity: clocks.start_deadline(h),
    "forward_major": _forward_major,
    "rectification_notice": _document("rectification_notice"),
    "reinspection_opinion": _document("reinspection_opinion"),
    "listing_notice": _listing_notice,
    "notify_enterprise": _notify("notice", inbox.enterprise_users),
    "notify_department": _notify("transferred", inbox.department_officers),
    "reinspection_clock": _reinspection,
    "notify_returned": _notify("returned", inbox.enterprise_users),
    "notify_extension": _notify("extension_requested", lambda h: inbox.station_officers(h) | inbox.supervisors()),
}

def _submit_plan(hazard, body, _identity):
    hazard.plan = body["plan"]


def _record_dual_report(hazard, body, _identity):
    hazard.regulator_reported_at = body["regulator_reported_at"]
    hazard.workers_congress_reported_at = body["workers_congress_reported_at"]


def _list(hazard, _body, _identity):
    hazard.listed_at = utcnow()


def _request_extension(hazard, body, _identity):
    if body["deadline"] <= hazard.deadline:
        raise Refused(422, "validation_error", "deadline", "延期后的期限应晚于原期限",
                      "The extended deadline must be later than the current one")
    hazard.extension_until = body["deadline"]


def _decide_extension(hazard, body, _identity):
    hazard.extension_decision = "approved" if body["approved"] else "refused"
    if body["approved"]:
        hazard.deadline = hazard.extension_until


def _delist(hazard, _body, _identity):
    hazard.delisted_at = utcnow()


EFFECTS = {"acknowledge": _acknowledge, "merge": _merge, "transfer": _transfer, "issue_notice": _issue_notice,
           "return": _return, "close": _close, "submit_plan": _submit_plan,
           "record_dual_report": _record_dual_report, "list": _list, "request_extension": _request_extension,
           "decide_extension": _decide_extension, "delist": _delist}


# ---- reading -------------------------------------------------------------------------------------------------

def view(hazard: Hazard, identity: Identity) -> dict:
    """The hazard as the API shows it: its photos' states, and what the caller may do next."""
    return views([hazard], identity)[0]


def views(found: list[Hazard], identity: Identity) -> list[dict]:
    """Several hazards as the API shows them, with one query for all their photos and one for their grids."""
    states = photos.photo_states(_uuids(photo_id for hazard in found for photo_id in hazard.photo_ids), identity)
    paths = queries.grid_paths({hazard.grid_id for hazard in found})
    now = utcnow()
    return [{**{column.key: getattr(hazard, column.key) for column in Hazard.__table__.columns},
             "photos": [{"id": photo_id, "state": states[uuid.UUID(photo_id)]} for photo_id in hazard.photo_ids],
             "allowed_actions": machine.allowed_actions(
                 hazard.state, roles_here(identity, hazard, paths[hazard.grid_id]), facts(hazard)),
             "observed_at_server": hazard.observed_at_server, "overdue_ack": hazard.ack_overdue(now)}
            for hazard in found]


def likely_duplicates(hazard: Hazard, scope, *, days: int = 14, metres: float = 100) -> list[Hazard]:
    """Open hazards of the same category reported recently at the same site or nearby (for triage)."""
    since = hazard.received_at - timedelta(days=days)
    candidates = db.session.scalars(select(Hazard).where(
        Hazard.id != hazard.id, Hazard.category == hazard.category, Hazard.street_id == hazard.street_id,
        Hazard.received_at >= since, Hazard.state.notin_(("rejected", "merged")), scope)).all()
    return [other for other in candidates
            if (hazard.site_id and other.site_id == hazard.site_id) or _near(hazard, other, metres)]


def _near(a: Hazard, b: Hazard, metres: float) -> bool:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    from server.checkins.services import distance_m  # the one haversine of the project

    return distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= metres


def ensure_categories():
    """The default taxonomy, added where missing (idempotent)."""
    from server.hazards.models import DEFAULT_CATEGORIES

    present = set(db.session.scalars(select(HazardCategory.code)))
    for position, (code, zh, en) in enumerate(DEFAULT_CATEGORIES):
        if code not in present:
            db.session.add(HazardCategory(code=code, name_zh=zh, name_en=en, active=True, position=position))
    db.session.flush()
