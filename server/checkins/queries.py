"""The check-ins' hot SQL: storing a new check-in under the phone's id in one statement (core.db.add_once)."""

from server.checkins.models import CheckIn
from server.core.db import add_once


def add_checkin(checkin: CheckIn, same_or_conflict) -> tuple[CheckIn, bool]:
    """Insert a new check-in under the phone's id, or answer with the one stored under it (core.db.add_once)."""
    return add_once(checkin, same_or_conflict)
