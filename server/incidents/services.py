"""Reporting incidents (idempotent on the phone's id), forwarding them, and their follow-up and final reports, every
step on the event chain."""

import uuid
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.auth.queries import roles_covering
from server.auth.scope import grants_for
from server.auth.services import Identity
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import tr
from server.core.time import clock_offset, utcnow
from server.evidence import services as evidence
from server.incidents import classification, clocks, machine
from server.incidents.models import CASUALTIES, STATES, Incident, IncidentReport
from server.incidents.notices import tell
from server.notifications import services as inbox
from server.people.models import User
from server.photos import services as photos
from server.sites.models import Site

CONTENT = ("type", "site_id", "grid_id", "address", "latitude", "longitude", "occurred_at", "description", "photo_ids")
CONTENT += tuple(CASUALTIES)
REPORT_CONTENT = ("kind", "description", "photo_ids", *CASUALTIES)


class Conflict(DomainError):
    """The id is the caller's own, with other content: which fields differ."""

    status, code = 409, "id_conflict"
    zh = "该编号已用于您的另一条内容不同的报告（{f}）"
    en = "This id belongs to another report of yours, with other content ({f})"

    def __init__(self, fields):
        super().__init__(fields, f=", ".join(fields))
        self.fields = fields

    def errors(self):
        return {"json": {f: ["differs"] for f in self.fields}}


class IdTaken(DomainError):
    status, code = 409, "id_taken"
    zh, en = "该编号已被占用，请用新的编号重新上报", "This id is taken: report again under a new id"


class Misplaced(DomainError):
    status, code, field = 422, "validation_error", "grid_id"
    zh, en = "请给出您范围内的场所或网格", "Give a site or a grid within your scope"


class FinalMade(DomainError):
    status, code = 409, "final_made"
    zh, en = "该突发事件已终报", "The incident's final report is made"


def _normalised(body: dict) -> dict:
    return {
        **body,
        **({"occurred_at": body["occurred_at"].astimezone(UTC)} if "occurred_at" in body else {}),
        "photo_ids": sorted({str(p) for p in body.get("photo_ids", [])}),
    }


def _compare(existing, identity: Identity, owner_id, body: dict, names, filled=()) -> None:
    if owner_id != identity.user_id:
        raise IdTaken
    different = [n for n in names if n in body and n not in filled and getattr(existing, n) != body[n]]
    if different:
        raise Conflict(different)


def report(identity: Identity, body: dict, device_time: datetime | None = None) -> tuple[Incident, bool]:
    """Store an incident's first report (or find the one stored under its id): (incident, whether new)."""
    body = _normalised(body)
    stored = db.session.get(Incident, body["id"])
    if stored is not None:  # a replay: the same content answers as before
        _compare(stored, identity, stored.reporter_id, body, CONTENT, filled={"grid_id"} if body.get("site_id") else ())
        return stored, False
    received = utcnow()
    incident = Incident(
        id=body["id"],
        reporter_id=identity.user_id,
        **_placed(body, identity),
        **{k: body[k] for k in ("type", "occurred_at", "description", "photo_ids")},
        **{k: body.get(k) or 0 for k in CASUALTIES},
        address=body.get("address") or "",
        latitude=body.get("latitude"),
        longitude=body.get("longitude"),
        received_at=received,
        clock_offset_s=clock_offset(received, device_time),
        forward_due_at=received + timedelta(minutes=current_app.config["INCIDENT_FORWARD_MINUTES"]),
    )
    db.session.add(incident)
    db.session.flush()
    photos.cite_new_record(
        [uuid.UUID(p) for p in incident.photo_ids],
        author=identity,
        record_type="incident",
        record_id=incident.id,
        site_id=incident.site_id,
        grid_id=incident.grid_id,
    )
    clocks.start_forwarding(incident)
    tell("incident_received", incident, inbox.station_officers(incident))
    evidence.record(
        "incident",
        incident.id,
        "report",
        actor_id=identity.user_id,
        to_state="received",
        attachments=incident.photo_ids,
        client_id=f"report:{incident.id}",
        data={"type": incident.type, **{k: getattr(incident, k) for k in CASUALTIES}},
    )
    return incident, True


def _placed(body: dict, identity: Identity) -> dict:
    """Where it happened: a site (which gives the grid) or a grid within the reporter's areas."""
    if body.get("site_id"):
        site = db.session.scalar(
            select(Site).where(Site.id == body["site_id"], Site.scope_clause(grants_for(identity.roles, "sites.view")))
        )
        if site is None:
            raise Misplaced
        grid = db.session.get(Area, site.grid_id)
        return {"site_id": site.id, "grid_id": grid.id, "street_id": path_ids(grid.path)[1]}
    grid = body.get("grid_id") and db.session.scalar(
        select(Area).where(
            Area.id == body["grid_id"], Area.scope_clause(grants_for(identity.roles, "incidents.report"))
        )
    )
    if not grid or grid.level != "grid":
        raise Misplaced
    return {"site_id": None, "grid_id": grid.id, "street_id": path_ids(grid.path)[1]}


def acting_roles(identity: Identity, incident: Incident) -> set[str]:
    """The caller's roles whose scope covers the incident: the roles they may act in on it."""
    return roles_covering(Incident, identity.roles, [incident.id])[incident.id]


def transition(identity: Identity, incident: Incident, body: dict) -> None:
    """Forward, acknowledge or ask for a follow-up, as the machine allows; the step goes on the chain."""
    action = machine.check(body["action"], incident.state, acting_roles(identity, incident))
    note = (body.get("note") or "").strip()
    if action.note_required and not note:
        raise _NoteRequired
    before, now = incident.state, utcnow()
    if body["action"] == "forward":
        incident.forwarded_at, incident.forwarded_by_id = now, identity.user_id
        tell("incident_forwarded", incident, inbox.supervisors())
    elif body["action"] == "acknowledge":
        incident.acknowledged_at = now
    elif body["action"] == "request_followup":
        incident.followup_requested_at, incident.followup_request = now, note
        tell("incident_followup_requested", incident, inbox.station_officers(incident), key=now.isoformat())
    incident.state = action.to or incident.state
    db.session.flush()
    evidence.record(
        "incident",
        incident.id,
        body["action"],
        actor_id=identity.user_id,
        from_state=before,
        to_state=incident.state,
        reason=note,
        client_id=body["id"],
        data={"minutes_from_receipt": round((now - incident.received_at).total_seconds() / 60, 1)}
        if body["action"] == "forward"
        else None,
    )


class _NoteRequired(DomainError):
    status, code, field = 422, "validation_error", "note"
    zh, en = "请写明需要续报的内容", "Say what the follow-up should tell"


def add_report(identity: Identity, incident: Incident, body: dict) -> tuple[IncidentReport, bool]:
    """A follow-up (续报) or the final report (终报), idempotent on the phone's id: (report, whether new)."""
    body = _normalised(body)
    stored = db.session.get(IncidentReport, body["id"])
    if stored is not None:
        if stored.incident_id != incident.id:
            raise IdTaken
        _compare(stored, identity, stored.author_id, body, REPORT_CONTENT)
        return stored, False
    if incident.state == "closed":
        raise FinalMade
    action = machine.check(body["kind"], incident.state, acting_roles(identity, incident))
    added = IncidentReport(
        id=body["id"],
        incident_id=incident.id,
        kind=body["kind"],
        description=body["description"],
        photo_ids=body["photo_ids"],
        author_id=identity.user_id,
        received_at=utcnow(),
        **{k: body.get(k) or 0 for k in CASUALTIES},
    )
    db.session.add(added)
    before = incident.state
    incident.followup_requested_at, incident.followup_request = None, ""  # answered
    if action.to:
        incident.state, incident.closed_at = action.to, added.received_at
    incident.updated_at = added.received_at  # bumps the version: the phone's copy reads it again
    db.session.flush()
    photos.cite_new_record(
        [uuid.UUID(p) for p in added.photo_ids],
        author=identity,
        record_type="incident",
        record_id=incident.id,
        site_id=incident.site_id,
        grid_id=incident.grid_id,
    )
    if incident.forwarded_at is not None:  # the district has it: it hears of each later report
        tell(f"incident_{body['kind']}", incident, inbox.supervisors(), key=str(added.id))
    evidence.record(
        "incident",
        incident.id,
        body["kind"],
        actor_id=identity.user_id,
        from_state=before,
        to_state=incident.state,
        attachments=added.photo_ids,
        client_id=f"report:{added.id}",
        data={"report_id": str(added.id), **{k: getattr(added, k) for k in CASUALTIES}},
    )
    return added, True


def reports_of(incident: Incident) -> list[IncidentReport]:
    return db.session.scalars(
        select(IncidentReport).where(IncidentReport.incident_id == incident.id).order_by(IncidentReport.received_at)
    ).all()


def latest_casualties(incident: Incident, reports: list[IncidentReport]) -> dict:
    source = reports[-1] if reports else incident
    return {k: getattr(source, k) for k in CASUALTIES}


def view(incident: Incident, identity: Identity) -> dict:
    """The incident as its page shows it: its reports, the casualties as last reported, what the caller may do."""
    return views([incident], identity)[0]


def views(incidents: list[Incident], identity: Identity) -> list[dict]:
    """The incidents as `view` shows them, read together: a few queries whatever their number (the delta feed)."""
    ids = [incident.id for incident in incidents]
    reports: dict = {incident_id: [] for incident_id in ids}
    for r in db.session.scalars(
        select(IncidentReport).where(IncidentReport.incident_id.in_(ids)).order_by(IncidentReport.received_at)
    ):
        reports[r.incident_id].append(r)
    people = names_of({i.reporter_id for i in incidents} | {r.author_id for rs in reports.values() for r in rs})
    streets = dict(
        db.session.execute(select(Area.id, Area.name).where(Area.id.in_({i.street_id for i in incidents}))).all()
    )
    site_ids = {i.site_id for i in incidents if i.site_id}
    sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids))).all()) if site_ids else {}
    covering = roles_covering(Incident, identity.roles, ids)
    return [_view(i, reports[i.id], people, streets, sites, covering[i.id]) for i in incidents]


def _view(incident: Incident, reports, people, streets, sites, roles) -> dict:
    forwarded = incident.forwarded_at
    return {
        **_columns(incident),
        "type_name": classification.label(incident.type),
        "site_name": sites.get(incident.site_id),
        "street_name": streets[incident.street_id],
        "reporter_name": people.get(incident.reporter_id, ""),
        "state_name": tr(*STATES[incident.state]),
        "forward_minutes": round((forwarded - incident.received_at).total_seconds() / 60, 1) if forwarded else None,
        "latest": latest_casualties(incident, reports),
        "reports": [
            {
                **{c.key: getattr(r, c.key) for c in IncidentReport.__table__.columns},
                "author_name": people.get(r.author_id, ""),
            }
            for r in reports
        ],
        "allowed_actions": machine.allowed(incident.state, roles),
    }


def names_of(user_ids) -> dict:
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def _columns(record) -> dict:
    return {c.key: getattr(record, c.key) for c in record.__table__.columns}
