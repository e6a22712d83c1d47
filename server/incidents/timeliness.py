"""Indicator 4 (30分钟报送): for each street, how long its station took from receiving an incident to forwarding it to
the district, and how many it forwarded within the target."""

from datetime import datetime
from statistics import median

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.time import utcnow
from server.incidents.models import Incident


def _row(street_id, name, incidents, target, now) -> dict:
    minutes = [(i.forwarded_at - i.received_at).total_seconds() / 60 for i in incidents if i.forwarded_at]
    within = sum(1 for m in minutes if m <= target)
    waiting = [i for i in incidents if i.forwarded_at is None]
    overdue = sum(1 for i in waiting if i.forward_due_at < now)
    decided = len(minutes) + overdue  # one still within its 30 minutes may yet be on time: not counted yet
    return {
        "street_id": street_id,
        "street_name": name,
        "received": len(incidents),
        "forwarded": len(minutes),
        "within_target": within,
        "on_time_rate": round(within / decided, 4) if decided else None,
        "median_minutes": round(median(minutes), 1) if minutes else None,
        "max_minutes": round(max(minutes), 1) if minutes else None,
        "waiting": len(waiting),
        "overdue": overdue,
    }


def by_street(scope, start: datetime | None, end: datetime | None) -> dict:
    """The figures of the incidents in `scope` received in [start, end), each street and in all."""
    target = current_app.config["INCIDENT_FORWARD_MINUTES"]
    stmt = select(Incident.street_id, Incident.received_at, Incident.forwarded_at, Incident.forward_due_at).where(scope)
    if start is not None:
        stmt = stmt.where(Incident.received_at >= start)
    if end is not None:
        stmt = stmt.where(Incident.received_at < end)
    rows = db.session.execute(stmt).all()
    streets: dict[int, list] = {}
    for row in rows:
        streets.setdefault(row.street_id, []).append(row)
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(streets))).all()) if streets else {}
    now = utcnow()
    return {
        "target_minutes": target,
        "total": _row(None, "合计", rows, target, now),
        "streets": [_row(sid, names.get(sid, ""), streets[sid], target, now) for sid in sorted(streets)],
    }
