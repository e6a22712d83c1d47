"""Recording check-ins: idempotent on the phone's id, every oddity flagged rather than refused."""

import uuid
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import and_, or_, select

from server.areas.models import Area, subtree_ids
from server.checkins import queries
from server.checkins.models import FLAGS, CheckIn
from server.core.api import get_or_404
from server.core.db import db
from server.core.errors import DomainError
from server.core.geo import distance_m
from server.core.time import clock_offset, on_server_clock, utcnow, within_days
from server.sites.models import Site
from server.tags import services as tags

# what resolving the code said → the flag the check-in carries
TAG_PROBLEM_FLAGS = {
    "malformed": "invalid_tag",
    "bad_signature": "invalid_tag",
    "unknown_tag": "invalid_tag",
    "unknown_key": "retired_key",
    "revoked": "revoked_tag",
}
# The flags that come from the phone alone, not from the site or its tag: a viewer who may not see the site
# still sees these, and in place of the others (far, revoked_tag, outside_scope) the one an unknown tag gets.
PHONE_FLAGS = ("no_location", "clock_off")
HIDDEN_SITE_FLAG = "invalid_tag"
_FLAG_ORDER = {flag: i for i, flag in enumerate(FLAGS)}
# what the phone sent that makes one check-in: a repeat must send exactly this again
CONTENT = ("code", "observed_at", "latitude", "longitude", "accuracy_m")


class Conflict(DomainError):
    """The id is taken by a check-in with other content: `fields` says which differ, or is None when the
    check-in is someone else's (whose content is not described)."""

    status, code = 409, "id_conflict"
    zh, en = "该打卡编号已用于另一条内容不同的记录（{f}）", "This id belongs to a different check-in ({f})"

    def __init__(self, fields: list[str] | None):
        if fields is None:  # someone else's check-in: nothing of it is told, not even which fields differ
            super().__init__(fields)
            self.zh, self.en = "该打卡编号已被占用，请重新打卡", "This check-in id is already taken; check in again"
        else:
            super().__init__(fields, f=", ".join(fields))
        self.fields = fields

    def errors(self):
        return None if self.fields is None else {"json": {f: ["differs"] for f in self.fields}}


def differences(existing: CheckIn, body) -> list[str]:
    return [name for name in CONTENT if getattr(existing, name) != body.get(name)]


def record(user_id: uuid.UUID, body: dict, scope, device_time: datetime | None = None) -> tuple[CheckIn, bool]:
    """Store a check-in (or find the one already stored under its id): (check-in, whether it is new).
    `device_time`: the phone's clock as it sent the check-in, which measures how far off that clock is."""
    body = {**body, "observed_at": body["observed_at"].astimezone(UTC)}  # stored and shown in UTC
    existing = db.session.get(CheckIn, body["id"])
    if existing is not None:
        return _same_or_conflict(existing, user_id, body), False
    checkin = CheckIn(user_id=user_id, flags=[], received_at=utcnow(), **{k: body.get(k) for k in ("id",) + CONTENT})
    _time(checkin, device_time)
    _place(checkin, scope)
    checkin.flagged = bool(checkin.flags)
    return queries.add_checkin(checkin, lambda stored: _same_or_conflict(stored, user_id, body))


def _same_or_conflict(existing, user_id, body):
    if existing.user_id != user_id:
        raise Conflict(None)
    different = differences(existing, body)
    if different:
        raise Conflict(different)
    return existing


def _time(checkin: CheckIn, device_time: datetime | None):
    """Measure the phone's clock; flag it when it was off by more than CHECKIN_MAX_CLOCK_OFFSET_S, or by so
    much that the check-in's time cannot be put right (then it stands as the phone wrote it)."""
    offset = clock_offset(checkin.received_at, device_time)
    if offset is None:
        return
    try:
        on_server_clock(checkin.observed_at, offset)
    except OverflowError:
        checkin.flags.append("clock_off")
        return
    checkin.clock_offset_s = offset
    if abs(offset) > current_app.config["CHECKIN_MAX_CLOCK_OFFSET_S"]:
        checkin.flags.append("clock_off")


def _place(checkin: CheckIn, scope):
    """Resolve the code to a site, measure the distance to it, and flag whatever is odd."""
    resolution = tags.resolve(checkin.code)
    if resolution.problem:
        checkin.flags.append(TAG_PROBLEM_FLAGS[resolution.problem])
    if resolution.tag is not None:
        checkin.tag_serial, checkin.site_id = resolution.tag.serial, resolution.tag.site_id
    if checkin.latitude is None or checkin.longitude is None:
        checkin.flags.append("no_location")
    if checkin.site_id is None:
        return
    site = db.session.get(Site, checkin.site_id)
    if not site_visible(site.id, scope):
        checkin.flags.append("outside_scope")
    if checkin.latitude is not None and checkin.longitude is not None:
        checkin.distance_m = round(distance_m(checkin.latitude, checkin.longitude, site.latitude, site.longitude), 1)
        if checkin.distance_m > current_app.config["CHECKIN_MAX_DISTANCE_M"]:
            checkin.flags.append("far")


def site_visible(site_id, scope) -> bool:
    return db.session.scalar(select(Site.id).where(Site.id == site_id, scope)) is not None


def visible_sites(scope):
    return select(Site.id).where(scope)


def shown_flagged(scope):
    """Whether a check-in reads as flagged to a viewer with this scope: as stored, or because its site is
    hidden from them (then it reads as an unknown tag, which is flagged)."""
    return or_(CheckIn.flagged, and_(CheckIn.site_id.is_not(None), CheckIn.site_id.not_in(visible_sites(scope))))


def list_filters(query: dict, scope) -> list:
    """The list's filters (GET /checkins, the dashboards' flagged check-ins) as SQL clauses. They see what the list
    shows: a site hidden from the caller (`scope`: the sites they see) is no site, and reads as flagged."""
    clauses = []
    if "site_id" in query:
        clauses += [CheckIn.site_id == query["site_id"], CheckIn.site_id.in_(visible_sites(scope))]
    if "user_id" in query:
        clauses.append(CheckIn.user_id == query["user_id"])
    if "flagged" in query:
        flagged = shown_flagged(scope)
        clauses.append(flagged if query["flagged"] else ~flagged)
    if "area_id" in query:
        area = get_or_404(Area, query["area_id"])
        clauses.append(CheckIn.site_id.in_(visible_sites(scope & Site.grid_id.in_(subtree_ids([area.path])))))
    return clauses + within_days(CheckIn.received_at, query.get("from_"), query.get("to"))


def views(checkins: list[CheckIn], scope) -> list[dict]:
    """Check-ins as the API shows them. Where the viewer may not see the site, the check-in reads exactly as if
    its tag were unknown (no site, no distance, `invalid_tag`): nothing is learned of a site outside their
    scope, not even that the tag is real or how far they stood from it. Who may see the site sees the truth."""
    site_ids = {c.site_id for c in checkins if c.site_id}
    visible = (
        dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids), scope)).all())
        if site_ids
        else {}
    )
    return [_view(c, visible.get(c.site_id)) for c in checkins]


def _view(checkin: CheckIn, site_name: str | None) -> dict:
    view = {
        name: getattr(checkin, name)
        for name in (
            "id",
            "user_id",
            "code",
            "observed_at",
            "received_at",
            "clock_offset_s",
            "observed_at_server",
            "latitude",
            "longitude",
            "accuracy_m",
            "distance_m",
            "flags",
        )
    }
    view["site"] = {"id": checkin.site_id, "name": site_name} if site_name is not None else None
    if checkin.site_id is not None and site_name is None:  # a site hidden from the viewer: an unknown tag
        view.update(distance_m=None, flags=[f for f in checkin.flags if f in PHONE_FLAGS] + [HIDDEN_SITE_FLAG])
    view["flags"] = sorted(view["flags"], key=_FLAG_ORDER.get)  # one order, however they were found
    return view
