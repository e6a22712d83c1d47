"""推送订阅: a browser's Web Push subscription (RFC 8030), registered by its user, for the warnings' pushes.

A subscription is a push service's endpoint for one browser with that browser's keys (p256dh, auth: RFC 8291). It
belongs to the user signed in there: registering it again (the app does so at every start) updates it, and another
user signing in on the same phone takes it over. A user may have several devices, up to MAX_PER_USER (the oldest
go first). A subscription is made with the deployment's VAPID public key, which it keeps (`server_key`): only those
made with the key in force are sent to, and the app subscribes again when the key changed.
"""

import uuid

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, Timestamps, UUIDPrimaryKey, conflict_insert, db
from server.core.time import utcnow
from server.warnings.models import WarningRecipient

MAX_PER_USER = 10


class PushSubscription(UUIDPrimaryKey, Timestamps, Base):
    """推送订阅: where a push service delivers to one of a user's browsers, and the keys its messages are sealed for."""

    __tablename__ = "push_subscriptions"
    __zh_name__ = "推送订阅"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))  # the browser's P-256 public key, base64url
    auth: Mapped[str] = mapped_column(String(40))  # its 16-byte authentication secret, base64url
    server_key: Mapped[str] = mapped_column(String(100))  # the VAPID public key it was made with


def register(user_id: uuid.UUID, body: dict, server_key: str) -> tuple[PushSubscription, bool]:
    """Store the caller's subscription, idempotent by endpoint: (it, whether it is new). One statement whatever two
    requests do at once; the user's oldest beyond MAX_PER_USER are let go."""
    known = db.session.scalar(select(PushSubscription.id).where(PushSubscription.endpoint == body["endpoint"]))
    now = utcnow()
    values = {
        "user_id": user_id,
        "p256dh": body["keys"]["p256dh"],
        "auth": body["keys"]["auth"],
        "server_key": server_key,
        "updated_at": now,
    }
    table = PushSubscription.__table__
    upsert = conflict_insert(table, db.session.get_bind().dialect.name)
    db.session.execute(
        upsert.values(id=uuid.uuid4(), endpoint=body["endpoint"], created_at=now, **values).on_conflict_do_update(
            index_elements=[table.c.endpoint], set_=values
        )
    )
    _keep_newest(user_id)
    stored = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.endpoint == body["endpoint"])
        .execution_options(populate_existing=True)
    ).one()
    return stored, known is None


def _keep_newest(user_id: uuid.UUID) -> None:
    kept = (
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.updated_at.desc(), PushSubscription.id)
        .limit(MAX_PER_USER)
    )
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == user_id, PushSubscription.id.not_in(kept))
    )


def forget(user_id: uuid.UUID, endpoint: str) -> None:
    """Unsubscribe: the caller's subscription at that endpoint is gone (someone else's is left alone)."""
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint)
    )


def gone(subscription_id: uuid.UUID) -> None:
    """The push service said the subscription no longer exists (404, 410): never send to it again."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def of_recipients(warning_id: uuid.UUID, server_key: str) -> list[PushSubscription]:
    """The subscriptions, made with the key in force, of everyone a message was sent to."""
    recipients = select(WarningRecipient.user_id).where(WarningRecipient.warning_id == warning_id)
    return list(
        db.session.scalars(
            select(PushSubscription).where(
                PushSubscription.user_id.in_(recipients), PushSubscription.server_key == server_key
            )
        )
    )
