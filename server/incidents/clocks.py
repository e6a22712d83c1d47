"""The incidents' clocks: the street forwards a received incident to the district within INCIDENT_FORWARD_MINUTES,
warned at INCIDENT_FORWARD_WARNING_MINUTES and escalated to the district at the target. The rows are fired by the one
clocks' engine (server.jobs.clocks), as the hazards' and the warnings' are; this module says what firing one means."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.core.db import db
from server.evidence import services as evidence
from server.incidents.models import Incident, IncidentClock
from server.incidents.notices import tell
from server.jobs import clocks as engine, periodic
from server.jobs.clocks import BATCH, ClockTable
from server.notifications import services as inbox


def start_forwarding(incident: Incident):
    """Set the warning and the escalation of a new incident (nothing of it is timed yet)."""
    config = current_app.config
    warning = incident.received_at + timedelta(minutes=config["INCIDENT_FORWARD_WARNING_MINUTES"])
    for kind, due_at in (("forward_warning", warning), ("forward_escalation", incident.forward_due_at)):
        db.session.add(IncidentClock(incident_id=incident.id, kind=kind, due_at=due_at, state=incident.state))
    db.session.flush()


def _fire(due: list) -> list:
    """Fire a batch of due clocks: those whose incident is still where the clock was set (not yet forwarded)."""
    facts = {
        row.id: row
        for row in db.session.execute(
            select(Incident.id, Incident.state, Incident.street_id, Incident.address).where(
                Incident.id.in_({c.incident_id for c in due})
            )
        )
    }
    firing = [clock for clock in due if facts[clock.incident_id].state == clock.state]
    events = []
    for clock in firing:
        incident = facts[clock.incident_id]
        station = inbox.station_officers(incident)
        if clock.kind == "forward_warning":
            tell("incident_forward_warning", incident, station)
            continue
        tell("incident_escalation", incident, station | inbox.supervisors())
        events.append(
            dict(
                record_type="incident",
                record_id=incident.id,
                action="escalate",
                actor_id=None,
                from_state=incident.state,
                to_state=incident.state,
                reason=f"超过{current_app.config['INCIDENT_FORWARD_MINUTES']}分钟未报区",
                client_id=f"clock:{clock.id}",
            )
        )
    if events:  # last: appending takes the chain's lock, held until the batch commits
        evidence.record_many(events)
    return [clock.id for clock in firing]


CLOCKS = ClockTable(IncidentClock, "incident_id", _fire, columns=("state",))


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every incident clock that is due (server.jobs.clocks.tick): how many fired. Commits each batch."""
    return engine.tick(CLOCKS, now, batch)


periodic(tick)
