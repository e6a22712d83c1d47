"""The warnings' reminders (提醒): at 10 and 30 minutes after a message is sent (WARNING_REMINDER_MINUTES), those of
its recipients who have not acknowledged it find it in their inbox again.

The clocks are rows of `warning_clocks`, fired by the one clock engine (server.jobs.clocks) in every process's
maintenance round, as the hazards' are: once each, and only while the message is still in force (not replaced,
cancelled or expired) and someone has still not read it; otherwise the clock lapses (moot).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from server.core.db import db
from server.evidence import services as evidence
from server.jobs import clocks as engine, periodic
from server.jobs.clocks import BATCH, ClockTable
from server.notifications import services as inbox
from server.warnings import queries
from server.warnings.models import WarningClock, WarningMessage, subject


def inbox_entries(kind: str, message, users, *, key: str = "") -> list[dict]:
    return inbox.entries_about(kind, "warning", message.id, subject(message), users, key=key)


def add_inbox(rows: list[dict]) -> None:
    inbox.add(rows)


def start_reminders(message: WarningMessage, minutes) -> None:
    """The message's reminders; it is new in this transaction, so none is set yet."""
    queries.add_clocks(
        [
            {"warning_id": message.id, "kind": "reminder", "due_at": message.sent_at + timedelta(minutes=m)}
            for m in minutes
        ]
    )


# What firing a reminder reads of its message
_FACTS = select(
    WarningMessage.id,
    WarningMessage.level,
    WarningMessage.event,
    WarningMessage.msg_type,
    WarningMessage.superseded_by,
    WarningMessage.expires_at,
)


def _fire(due: list) -> list:
    """Remind each due clock's unacknowledged recipients, if its message is still in force: inbox rows in one
    statement, one event each (last: the chain's lock)."""
    messages = {m.id: m for m in db.session.execute(_FACTS.where(WarningMessage.id.in_({c.warning_id for c in due})))}
    live = [c for c in due if _in_force(messages[c.warning_id], c.due_at)]
    waiting = queries.unacknowledged({c.warning_id for c in live})
    firing = [c for c in live if waiting.get(c.warning_id)]
    rows = []
    for clock in firing:
        message = messages[clock.warning_id]
        rows += inbox_entries("warning_reminder", message, waiting[clock.warning_id], key=clock.due_at.isoformat())
    inbox.add(rows)
    if firing:
        evidence.record_many(
            [
                dict(
                    record_type="warning",
                    record_id=clock.warning_id,
                    action="remind",
                    actor_id=None,
                    reason="提醒未阅人员",
                    data={"unacknowledged": len(waiting[clock.warning_id])},
                    client_id=f"warning-clock:{clock.id}",
                )
                for clock in firing
            ]
        )
    return [clock.id for clock in firing]


def _in_force(message, at: datetime) -> bool:
    return message.superseded_by is None and message.msg_type != "cancel" and message.expires_at > at


CLOCKS = ClockTable(WarningClock, "warning_id", _fire)


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every warning reminder that is due (server.jobs.clocks.tick): how many fired."""
    return engine.tick(CLOCKS, now, batch)


periodic(tick)
