"""What the delta feed (server.sync) carries of warnings: the messages sent to a user, with their own receipt."""

from sqlalchemy import or_, select

from server.core.db import db
from server.warnings.models import WarningMessage, WarningRecipient
from server.warnings.views import warning_views


def snapshot_ids(user_id, since):
    """The ids of the messages sent to the user that are in force or were sent since `since`."""
    return (
        select(WarningMessage.id)
        .join(WarningRecipient, WarningRecipient.warning_id == WarningMessage.id)
        .where(
            WarningRecipient.user_id == user_id,
            or_(WarningMessage.current(), WarningMessage.sent_at >= since),
        )
    )


def touched(event, user_id: str) -> list[tuple[str, str]]:
    """The feed's keys an event of a warning touches for a user: a message sent (and the one it replaced), or the
    user's own receipt; a reminder and the others' receipts touch nothing. Whether the user received the message is
    decided when it is loaded (`views`)."""
    if event.record_type == "warning_receipt":
        return [("warning", event.data["warning_id"])] if event.data.get("user_id") == user_id else []
    if event.action == "remind":
        return []
    keys = [("warning", event.record_id)]
    if event.data.get("references"):
        keys.insert(0, ("warning", event.data["references"]))
    return keys


def views(ids, user_id) -> list[dict]:
    """The messages among `ids` sent to the user, as WarningSchema shows them (their receipt included)."""
    found = db.session.scalars(
        select(WarningMessage).where(
            WarningMessage.id.in_(ids),
            WarningMessage.id.in_(select(WarningRecipient.warning_id).where(WarningRecipient.user_id == user_id)),
        )
    ).all()
    return warning_views(list(found), user_id)
