"""Reporting hazards (idempotent on the phone's id) and moving them through the loop, every step on record."""

import uuid
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.auth.queries import roles_covering
from server.auth.scope import grants_for
from server.auth.services import Identity
from server.core.cache import Cached
from server.core.db import db
from server.core.errors import DomainError
from server.core.geo import distance_m
from server.core.time import clock_offset, on_server_clock, utcnow
from server.evidence import services as evidence
from server.hazards import clocks, machine, queries
from server.hazards.effects import Refused, jsonable
from server.hazards.models import DEFAULT_CATEGORIES, Hazard, HazardCategory
from server.notifications import services as inbox
from server.photos import services as photos

# What the phone sent that makes one report: a repeat must send exactly this again.
CONTENT = (
    "site_id",
    "grid_id",
    "category",
    "level",
    "description",
    "source",
    "observed_at",
    "latitude",
    "longitude",
    "accuracy_m",
    "photo_ids",
)


class Conflict(DomainError):
    """The id is the caller's own report, with other content: which fields differ."""

    status, code = 409, "id_conflict"
    zh = "该隐患编号已用于您的另一条内容不同的报告（{f}）"
    en = "This id belongs to another report of yours, with other content ({f})"

    def __init__(self, fields):
        super().__init__(fields, f=", ".join(fields))
        self.fields = fields

    def errors(self):
        return {"json": {f: ["differs"] for f in self.fields}}


class IdTaken(DomainError):
    """The id is someone else's report: nothing of it may be told (out of scope reads like absent)."""

    status, code = 409, "id_taken"
    zh, en = "该隐患编号已被占用，请用新的编号重新上报", "This id is taken: report again under a new id"


# ---- reporting -----------------------------------------------------------------------------------------


def report(identity: Identity, body: dict, site_scope, device_time: datetime | None = None) -> tuple[Hazard, bool]:
    """Store a hazard report (or find the one already stored under its id): (hazard, whether new).
    `device_time`: the phone's clock as it sent the report, which measures how far off that clock is."""
    return report_many(identity, [body], site_scope, device_time=device_time)[0]


def report_many(identity: Identity, bodies: list[dict], site_scope, device_time=None) -> list[tuple[Hazard, bool]]:
    """Store several reports of one reporter at once (an inspection's failed items), each as `report` stores it:
    [(hazard, whether new)] in their order. What they share is asked and written once: whether any is stored, each
    site's placement, the new ones' clocks and inbox rows."""
    bodies = [
        {
            **body,
            "observed_at": body["observed_at"].astimezone(UTC),
            "photo_ids": sorted({str(p) for p in body.get("photo_ids", [])}),
        }
        for body in bodies
    ]
    places: dict = {}
    if len(bodies) == 1 and bodies[0].get("site_id"):  # the usual report: both first questions in one statement
        body = bodies[0]
        is_stored, found = queries.stored_and_placement(body["id"], body["site_id"], site_scope)
        stored = {body["id"]} if is_stored else set()
        places[(body["site_id"], body.get("grid_id"))] = _at_site(found)
    else:
        stored = queries.reports_stored([body["id"] for body in bodies])  # nearly always none: a replay's are
    made: dict = {}
    for n, body in enumerate(bodies):
        if body["id"] in stored:  # a replay: answered before anything else is checked again
            made[n] = (_same_or_conflict(db.session.get(Hazard, body["id"]), identity, body), False)
    fresh = [(n, body) for n, body in enumerate(bodies) if n not in made]
    if fresh:
        added = queries.add_reports(
            [_new_report(identity, body, site_scope, device_time, places) for _n, body in fresh],
            [lambda found, body=body: _same_or_conflict(found, identity, body) for _n, body in fresh],
        )
        made.update((n, result) for (n, _body), result in zip(fresh, added, strict=True))
    new = [hazard for hazard, created in (made[n] for n in range(len(bodies))) if created]
    # The hazards are new, so nothing cites them, times them or tells of them yet (reporting is the busiest write).
    photos.cite_new_records(
        [
            photos.Citing(_uuids(hazard.photo_ids), "hazard", hazard.id, hazard.site_id, hazard.grid_id)
            for hazard in new
        ],
        author=identity,
    )
    if new:
        clocks.start_acknowledgements(new)
        inbox.notify_new_reports(new)
    # Last: appending locks the chain's head until the commit, and every report queues on it.
    for hazard in new:
        evidence.record(
            "hazard",
            hazard.id,
            "report",
            actor_id=identity.user_id,
            to_state="reported",
            attachments=hazard.photo_ids,
            client_id=f"report:{hazard.id}",
            data={"category": hazard.category, "level": hazard.level, "site_id": _text(hazard.site_id)},
        )
    return [made[n] for n in range(len(bodies))]


def _new_report(identity: Identity, body: dict, site_scope, device_time, places: dict) -> Hazard:
    """The hazard a new report makes, checked, not stored yet; `places`: the placements found so far, by site/grid."""
    where = (body.get("site_id"), body.get("grid_id"))
    if where not in places:
        places[where] = _placed(body, site_scope, identity)
    if isinstance(places[where], _Unplaced):
        raise Refused(
            422, "validation_error", "site_id", "场所不存在或不在您的范围内", "No such site within your scope"
        )
    hazard = Hazard(
        id=body["id"],
        reporter_id=identity.user_id,
        **places[where],
        **{
            k: body.get(k)
            for k in (
                "category",
                "level",
                "description",
                "observed_at",
                "latitude",
                "longitude",
                "accuracy_m",
                "photo_ids",
            )
        },
        source=body.get("source") or _default_source(identity),
    )
    _check_category(hazard.category)
    received = utcnow()
    hazard.received_at = received
    hazard.clock_offset_s = clock_offset(received, device_time)  # from the first arrival, not a replay's
    try:
        on_server_clock(hazard.observed_at, hazard.clock_offset_s)
    except OverflowError:
        raise Refused(
            422,
            "validation_error",
            "observed_at",
            "按设备时钟偏差校正后的发现时间超出了可表示的范围",
            "observed_at, corrected by the phone's clock offset, falls outside the calendar",
        ) from None
    hazard.ack_due_at = received + timedelta(minutes=current_app.config["HAZARD_ACK_MINUTES"])
    return hazard


def active_category(code: str) -> bool:
    """Whether hazards may be reported in this category now (as a report's category is checked)."""
    return code in _ACTIVE_CODES.get() or code in _ACTIVE_CODES.refresh()  # or was it just added?


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
    if not active_category(code):
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
        return _at_site(queries.placement(body["site_id"], site_scope))
    grid = body.get("grid_id") and queries.area_within(
        body["grid_id"], Area.scope_clause(grants_for(identity.roles, "hazards.report"))
    )
    if not grid or grid.level != "grid":
        raise Refused(
            422,
            "validation_error",
            "grid_id",
            "请给出场所，或隐患所在的网格",
            "Give the site, or the grid the hazard is in",
        )
    if not grid.covered:
        raise Refused(422, "validation_error", "grid_id", "该网格不在您的范围内", "That grid is outside your scope")
    return {
        "site_id": None,
        "grid_id": grid.id,
        "street_id": path_ids(grid.path)[1],
        "enterprise_id": None,
        "sector": None,
    }


def _at_site(found):
    """The placement of a report at a site, from the site's row (queries.placement); a site not found or out of scope
    refuses the report (when it is checked: a replay is answered before anything is checked again)."""
    if found is None:
        return _Unplaced()
    return {
        "site_id": found.id,
        "grid_id": found.grid_id,
        "street_id": path_ids(found.path)[1],
        "enterprise_id": found.enterprise_id,
        "sector": found.sector,
    }


class _Unplaced:
    """A site not found within the scope, refused only if the report is new (see _new_report)."""


# ---- moving through the loop -------------------------------------------------------------------------------


def roles_here(identity: Identity, hazard: Hazard) -> set[str]:
    """The caller's roles whose scope covers this hazard: the roles they may act in on it (Hazard.scope_clause's
    rule, asked in SQL: auth.queries.roles_covering), an expert's only where invited."""
    return acting_roles(identity, [hazard.id])[hazard.id]


def acting_roles(identity: Identity, ids) -> dict:
    """For each hazard (by id), the roles the caller may act in on it: those whose scope covers it, but an expert
    acts only on the hazards they are invited to (邀请专家), in one query more, asked only of experts."""
    roles = roles_covering(Hazard, identity.roles, ids)
    if not any("expert" in held for held in roles.values()):
        return roles
    invited = queries.invited(identity.user_id, list(roles))
    return {hazard_id: held if hazard_id in invited else held - {"expert"} for hazard_id, held in roles.items()}


def transition(identity: Identity, hazard: Hazard, body: dict) -> None:
    """Take one action on the hazard as the machine defines it: check it, apply its effect, move the hazard,
    record the event (with the deadline in force after it, which the summary reads), then start what it starts."""
    step = machine.check(hazard.state, body["action"], roles_here(identity, hazard), body, machine.facts(hazard))
    from_state = hazard.state
    if step.effect:
        step.effect(hazard, body, identity)
    if step.to:
        hazard.state = step.to
    db.session.flush()
    proof = [str(p) for p in body.get("photo_ids") or []]
    data = {k: jsonable(body[k]) for k in machine.RECORDED if body.get(k) is not None}
    evidence.record(
        "hazard",
        hazard.id,
        body["action"],
        actor_id=identity.user_id,
        from_state=from_state,
        to_state=hazard.state,
        reason=next((body[k] for k in machine.REASONS if body.get(k)), ""),
        attachments=proof,
        client_id=body["id"],
        data={**data, "deadline_in_force": jsonable(hazard.deadline) if hazard.deadline else None},
    )
    if proof:
        photos.cite(
            _uuids(proof),
            author=identity,
            record_type="hazard",
            record_id=hazard.id,
            site_id=hazard.site_id,
            grid_id=hazard.grid_id,
        )
    for start in step.starts:
        start(hazard, body, identity)


# ---- reading -------------------------------------------------------------------------------------------------


def view(hazard: Hazard, identity: Identity) -> dict:
    """The hazard as the API shows it: its photos' states, and what the caller may do next."""
    return views([hazard], identity)[0]


def views(found: list[Hazard], identity: Identity) -> list[dict]:
    """Several hazards as the API shows them, with one query for all their photos, one for the roles the
    caller may act in on each and, for hazards others reported, one for their reporters' names."""
    states = photos.photo_states(_uuids(photo_id for hazard in found for photo_id in hazard.photo_ids), identity)
    roles = acting_roles(identity, [hazard.id for hazard in found])
    others = {hazard.reporter_id for hazard in found} - {identity.user_id}  # the caller's own name is known
    names = {identity.user_id: identity.name, **queries.user_names(others)}
    now = utcnow()
    return [_view(hazard, states, roles[hazard.id], names, now) for hazard in found]


def _view(hazard: Hazard, states, roles, names, now) -> dict:
    facts = machine.facts(hazard)
    return {
        **{column.key: getattr(hazard, column.key) for column in Hazard.__table__.columns},
        "photos": [{"id": photo_id, "state": states[uuid.UUID(photo_id)]} for photo_id in hazard.photo_ids],
        "allowed_actions": machine.allowed_actions(hazard.state, roles, facts),
        "flags": machine.flags(facts),
        "reporter_name": names.get(hazard.reporter_id),
        "observed_at_server": hazard.observed_at_server,
        "overdue_ack": hazard.ack_overdue(now),
    }


def likely_duplicates(hazard: Hazard, scope, *, days: int = 14, metres: float = 100) -> list[Hazard]:
    """Open hazards of the same category reported recently at the same site or nearby (for triage)."""
    since = hazard.received_at - timedelta(days=days)
    candidates = db.session.scalars(
        select(Hazard).where(
            Hazard.id != hazard.id,
            Hazard.category == hazard.category,
            Hazard.street_id == hazard.street_id,
            Hazard.received_at >= since,
            Hazard.state.notin_(("rejected", "merged")),
            scope,
        )
    ).all()
    return [
        other
        for other in candidates
        if (hazard.site_id and other.site_id == hazard.site_id) or _near(hazard, other, metres)
    ]


def _near(a: Hazard, b: Hazard, metres: float) -> bool:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    return distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= metres


def ensure_categories():
    """The default taxonomy, added where missing (idempotent)."""
    present = set(db.session.scalars(select(HazardCategory.code)))
    for position, (code, zh, en) in enumerate(DEFAULT_CATEGORIES):
        if code not in present:
            db.session.add(HazardCategory(code=code, name_zh=zh, name_en=en, active=True, position=position))
    db.session.flush()
