"""The delta feed: a snapshot of the caller's scope, then every change after it, in commit order.

The cursor rides on the event chain (server.evidence): every change to a site, a tag, a hazard or an
incident appends an event, and an event's `seq` is assigned under the chain's lock, which its transaction
holds until it commits. So events become visible in `seq` order and a reader that has seen `seq` N
has seen everything before it: no change slips in behind a cursor, as it could with timestamps or a
plain sequence.

A feed without a cursor starts with a snapshot: the chain's head is noted first, then the sites,
current hazards, checklists, the user's recent inspections, tasks, warnings and incidents are sent page by page
(keyset on the id); the changes after the noted head follow. A record changed while the snapshot was paged may come
twice; the phone keeps the last.
Records that leave the caller's scope are not announced: the phone starts over (no cursor) once a day.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select

from server.auth.scope import grants
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import tr
from server.core.time import utcnow
from server.evidence.models import ChainHead, Event
from server.hazards import services as hazards
from server.hazards.etags import etag  # the ETag a transition must send back as If-Match
from server.hazards.models import Hazard
from server.hazards.schemas import HazardSchema
from server.incidents import feed as incident_feed
from server.incidents.models import Incident
from server.inspections import summaries, templates as checklists
from server.inspections.models import InspectionTemplate
from server.inspections.schemas import InspectionSummarySchema, TemplateSchema
from server.plans import periods, views as plans
from server.plans.models import Task, TaskInspector
from server.plans.schemas import TaskSchema
from server.sites import services as sites
from server.sites.models import Site
from server.sites.schemas import SiteSchema
from server.tags.models import SiteTag
from server.warnings import feed as warning_feed
from server.warnings.schemas import WarningSchema

# warnings (预警): the messages sent to the user; the snapshot's are those in force and those sent this recently (so
# that a phone shows a cancellation it has not seen yet); after it, each message of theirs sent, replaced or read
# (the user's own 已阅 and 已传达: a `warning_receipt` event naming them), not the others' receipts
WARNING_RECORDS = ("warning", "warning_receipt")
RECENT_WARNINGS = timedelta(days=7)
# incidents (突发事件) the user may see (their own reports; a station its street's; the district all): the snapshot's
# are the open ones and those received this recently; after it, every step or report on one of them
RECENT_INCIDENTS = timedelta(days=30)
FEED_RECORDS = (
    *("hazard", "site", "site_tag", "inspection_template", "inspection", "task", "plan", "incident"),
    *WARNING_RECORDS,
)
SCAN = 2000  # events read per call: most of them concern other users' scopes and are passed over
# the snapshot's hazards: the open ones, those received this recently, and those still listed (挂牌督办) though closed,
# which wait for the district to de-list them
RECENT = timedelta(days=30)
# the snapshot's inspections: those the user took part in (lead, co-inspector, expert) that finished this recently;
# after it, any of theirs that changes (a correction), whatever its age
RECENT_INSPECTIONS = timedelta(days=30)
# the snapshot's tasks: the user's open ones (检查任务; a draw's, for each inspector drawn for it) and those of a
# period not yet ended, done or missed (so a phone counts its month's coverage, 本月已巡查 12/40, offline); after
# it, every change of a task that names them (planned, assigned to them or away from them, done, missed), so that
# a phone drops what is no longer theirs to do
PHASES = ("sites", "hazards", "templates", "inspections", "tasks", "warnings", "incidents")
# a record's kind in the feed
KINDS = {
    "site": "site",
    "hazard": "hazard",
    "inspection_template": "template",
    "inspection": "inspection",
    "task": "task",
    "warning": "warning",
    "incident": "incident",
}


class BadCursor(DomainError, ValueError):
    """Not a cursor this server gave: a 422 on the query's cursor."""

    status = 422

    def errors(self):
        return {
            "query": {
                "cursor": [
                    tr("无效的同步游标，请不带游标重新同步", "Not a cursor this server gave; start over without one")
                ]
            }
        }


@dataclass(frozen=True)
class Cursor:
    """Where a phone is: past event `seq`; in a snapshot, also its phase and the last id sent."""

    seq: int
    phase: str | None = None
    after: uuid.UUID | None = None

    def __str__(self):
        return str(self.seq) if self.phase is None else f"{self.seq}.{self.phase}.{self.after or ''}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        seq, _, rest = text.partition(".")
        phase, _, after = rest.partition(".")
        try:
            if not seq.isdigit() or (rest and phase not in PHASES):
                raise ValueError
            return cls(int(seq), phase or None, uuid.UUID(after) if after else None)
        except ValueError:
            raise BadCursor(text) from None


def changes(identity, cursor: Cursor | None, limit: int) -> tuple[list[dict], Cursor, bool]:
    """(changes, the cursor after them, whether more follow) for the caller's scope."""
    if cursor is None:
        head = db.session.scalar(select(ChainHead.seq).where(ChainHead.id == 1)) or 0
        cursor = Cursor(head, PHASES[0])
    if cursor.phase is not None:
        return _snapshot(identity, cursor, limit)
    return _since(identity, cursor, limit)


def _snapshot(identity, cursor: Cursor, limit: int):
    if cursor.phase == "sites":
        stmt = select(Site.id).where(Site.scope_clause(grants("sites.view"))).order_by(Site.id)
        load = _sites
    elif cursor.phase == "templates":  # the checklists one may start an inspection on
        stmt = select(InspectionTemplate.id).where(InspectionTemplate.state == "published")
        stmt, load = stmt.order_by(InspectionTemplate.id), _templates
    elif cursor.phase == "inspections":  # the user's own, as lead, co-inspector or expert (我的检查)
        stmt = summaries.recent_ids(identity.user_id, utcnow() - RECENT_INSPECTIONS)
        stmt, load = stmt.order_by(stmt.selected_columns[0]), _inspections
    elif cursor.phase == "tasks":  # the user's own open tasks, and the current periods' done or missed ones
        current = (Task.state != "cancelled") & (Task.period_end >= periods.local_date(utcnow()))
        stmt = select(Task.id).where(_theirs(identity), or_(Task.state == "open", current))
        stmt, load = stmt.order_by(Task.id), _tasks
    elif cursor.phase == "warnings":
        stmt = warning_feed.snapshot_ids(identity.user_id, utcnow() - RECENT_WARNINGS)
        stmt, load = stmt.order_by(stmt.selected_columns[0]), _warnings
    elif cursor.phase == "incidents":
        stmt = incident_feed.snapshot_ids(identity, utcnow() - RECENT_INCIDENTS).order_by(Incident.id)
        load = incident_feed.changes
    else:
        stmt = select(Hazard.id).where(
            _hazard_scope(identity),
            or_(
                Hazard.state.notin_(("closed", "rejected", "merged")),
                Hazard.received_at >= utcnow() - RECENT,
                Hazard.listed(),
            ),
        )
        stmt, load = stmt.order_by(Hazard.id), _hazards
    if cursor.after is not None:
        stmt = stmt.where(stmt.selected_columns[0] > cursor.after)
    ids = db.session.scalars(stmt.limit(limit)).all()
    position = {record_id: n for n, record_id in enumerate(ids)}
    page = sorted(load(identity, ids), key=lambda change: position[change["id"]])
    if len(ids) == limit:
        return page, Cursor(cursor.seq, cursor.phase, ids[-1]), True
    following = PHASES.index(cursor.phase) + 1
    if following < len(PHASES):
        return page, Cursor(cursor.seq, PHASES[following]), True
    return page, Cursor(cursor.seq), True  # the changes since the snapshot began follow


def _since(identity, cursor: Cursor, limit: int):
    events = db.session.execute(
        select(Event.seq, Event.record_type, Event.record_id, Event.action, Event.data)
        .where(Event.seq > cursor.seq, Event.record_type.in_(FEED_RECORDS))
        .order_by(Event.seq)
        .limit(SCAN)
    ).all()
    touched: dict[tuple[str, str], int] = {}  # each record once, at its latest change
    mine = str(identity.user_id)
    for read, event in enumerate(events, 1):
        if event.record_type in ("task", "plan") and mine not in event.data.get("assignees", ()):
            continue  # another's task, or a plan's period none of whose tasks is theirs
        if event.record_type in WARNING_RECORDS:
            keys = warning_feed.touched(event, mine)
            for key in keys:
                touched.pop(key, None)
                touched[key] = event.seq
            if len(touched) >= limit:
                events = events[:read]
                break
            continue
        if event.record_type == "site_tag":
            key = ("site", event.data["site_id"])
        elif event.record_type == "plan":  # a period's tasks planned or closed: the user's among them
            key = ("plan", f"{event.record_id}/{event.data['period']}")
        else:
            key = (event.record_type, event.record_id)
        touched.pop(key, None)
        touched[key] = event.seq
        if len(touched) == limit:
            events = events[:read]
            break
    if not events:
        return [], cursor, False
    wanted = {kind: [uuid.UUID(record_id) for (k, record_id) in touched if k == kind] for kind in KINDS}
    loaded = {
        (change["kind"], str(change["id"])): change
        for change in _sites(identity, wanted["site"])
        + _hazards(identity, wanted["hazard"])
        + _templates(identity, wanted["inspection_template"])
        + _inspections(identity, wanted["inspection"])
        + _tasks(identity, wanted["task"])
        + _warnings(identity, wanted["warning"])
        + incident_feed.changes(identity, wanted["incident"])
    }
    by_period = _period_tasks(identity, [record_id for kind, record_id in touched if kind == "plan"])
    # in the order of their latest change
    page = []
    for kind, record_id in touched:
        if kind == "plan":
            page += by_period.get(record_id, [])
        elif (KINDS[kind], record_id) in loaded:
            page.append(loaded[(KINDS[kind], record_id)])
    return page, Cursor(events[-1].seq), len(events) == SCAN or len(touched) == limit


def _theirs(identity):
    """The user's tasks: those assigned to them, and a draw's they were drawn for with its lead (task_inspectors):
    every drawn inspector carries the task on their phone (a draw's plan event names them all)."""
    return (Task.assignee_id == identity.user_id) | Task.id.in_(TaskInspector.tasks_of(identity.user_id))


def _warnings(identity, ids: list[uuid.UUID]) -> list[dict]:
    """The messages among `ids` sent to the user, each with their receipt."""
    if not ids or identity.user_id is None:
        return []
    schema = WarningSchema()
    return [
        {"kind": "warning", "id": view["id"], "etag": None, "data": schema.dump(view)}
        for view in warning_feed.views(ids, identity.user_id)
    ]


def _hazard_scope(identity):
    return Hazard.scope_clause(grants("hazards.view"), identity.user_id)


def _sites(identity, ids: list[uuid.UUID]) -> list[dict]:
    if not ids or grants("sites.view").empty:
        return []
    views = sites.site_views([Site.scope_clause(grants("sites.view")), Site.id.in_(ids)])
    codes = dict(
        db.session.execute(
            select(SiteTag.site_id, SiteTag.code).where(SiteTag.site_id.in_(ids), SiteTag.revoked_at.is_(None))
        ).all()
    )
    schema = SiteSchema()
    # the live tag's code rides along, so that a phone can tell which site a tag belongs to offline
    return [
        {
            "kind": "site",
            "id": view["id"],
            "etag": None,
            "data": {**schema.dump(view), "tag_code": codes.get(view["id"])},
        }
        for view in views
    ]


def _hazards(identity, ids: list[uuid.UUID]) -> list[dict]:
    if not ids or grants("hazards.view").empty:
        return []
    found = db.session.scalars(select(Hazard).where(Hazard.id.in_(ids), _hazard_scope(identity))).all()
    schema = HazardSchema()
    return [
        {"kind": "hazard", "id": hazard.id, "etag": etag(hazard), "data": schema.dump(view)}
        for hazard, view in zip(found, hazards.views(found, identity), strict=True)
    ]


def _templates(identity, ids: list[uuid.UUID]) -> list[dict]:
    """Checklist versions as published or archived (a phone drops an archived one it holds no inspection on);
    drafts stay with their editors."""
    if not ids or grants("inspections.view").empty:
        return []
    found = db.session.scalars(
        select(InspectionTemplate).where(InspectionTemplate.id.in_(ids), InspectionTemplate.state != "draft")
    ).all()
    schema = TemplateSchema()
    return [
        {"kind": "template", "id": t.id, "etag": None, "data": schema.dump(checklists.template_view(t))} for t in found
    ]


def _inspections(identity, ids: list[uuid.UUID]) -> list[dict]:
    """The user's own inspections among `ids` (submitted or corrected since the cursor, or the snapshot's recent
    ones), summarised; the others' are passed over."""
    if not ids or identity.user_id is None:
        return []
    schema = InspectionSummarySchema()
    return [
        {"kind": "inspection", "id": view["id"], "etag": None, "data": schema.dump(view)}
        for view in summaries.summaries(ids, identity.user_id)
    ]


def _tasks(identity, ids: list[uuid.UUID]) -> list[dict]:
    """Tasks among `ids`: the user's open ones (the snapshot), or those whose change named them (after it)."""
    if not ids or identity.user_id is None:
        return []
    found = db.session.scalars(select(Task).where(Task.id.in_(ids))).all()
    schema = TaskSchema()
    return [
        {"kind": "task", "id": view["id"], "etag": None, "data": schema.dump(view)} for view in plans.task_views(found)
    ]


def _period_tasks(identity, keys: list[str]) -> dict[str, list[dict]]:
    """The user's tasks of each plan's period ("<plan id>/<period>"), by key: those its period's event named them in."""
    if not keys or identity.user_id is None:
        return {}
    wanted = [tuple(key.split("/")) for key in keys]
    found = db.session.scalars(
        select(Task).where(
            _theirs(identity),
            or_(*[(Task.plan_id == uuid.UUID(plan_id)) & (Task.period == period) for plan_id, period in wanted]),
        )
    ).all()
    schema, by_key = TaskSchema(), {}
    for view in plans.task_views(found):
        change = {"kind": "task", "id": view["id"], "etag": None, "data": schema.dump(view)}
        by_key.setdefault(f"{view['plan_id']}/{view['period']}", []).append(change)
    return by_key
