"""Issuing, updating and cancelling warnings, fanning each message out, and its recipients' 已阅 and 已传达.

Every message is a CAP message of its own: an update or a cancellation is a new row that names the message it changes
(`references_id`), which it replaces (`superseded_by`), so that the record of what was sent, to whom, and who read it
is never rewritten. Each message goes to the people concerned in its areas at the time it is sent (one recipient row
each, inserted in bulk), with an inbox entry each; the phones learn of it from the delta feed (server.sync), and of
its replacement the same way. Every step is an event on the chain.
"""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from server.auth.scope import Grants, covers_area
from server.core.db import db
from server.core.errors import DomainError
from server.core.time import clock_offset, on_server_clock, utcnow
from server.evidence import services as evidence
from server.photos import services as photos
from server.warnings import clocks, push, queries
from server.warnings.models import EVENTS, WarningMessage

AREA_LEVELS = ("street", "community", "grid")
SHANGHAI = ZoneInfo("Asia/Shanghai")
INBOX_KIND = {"alert": "warning", "update": "warning_update", "cancel": "warning_cancel"}
EVENT_ACTION = {"alert": "issue", "update": "update", "cancel": "cancel"}


class BadAreas(DomainError):
    status, code, field = 422, "bad_areas", "area_ids"
    zh, en = (
        "预警区域须为街道、社区或网格，且在您的辖区内",
        "The areas must be streets, communities or grids in your scope",
    )


class BadTimes(DomainError):
    status, code, field = 422, "bad_times", "expires_at"
    zh, en = "失效时间须晚于生效时间和当前时间", "The expiry must be after the effective time and now"


class NotCurrent(DomainError):
    status, code, field = 409, "warning_not_current", "references"
    zh, en = (
        "该预警已被变更、解除或已过期，请针对最新一条操作",
        "That warning was replaced, cancelled or expired: act on the latest",
    )


class IdTaken(DomainError):
    status, code = 409, "id_conflict"
    zh, en = "该编号已用于另一条预警", "This id is already another warning's"


class NotARecipient(DomainError):
    status, code = 404, "not_a_recipient"
    zh, en = "您不是该预警的接收人", "You are not among this warning's recipients"


class NotARelayer(DomainError):
    status, code = 409, "relay_not_expected"
    zh, en = "只有网格员需要确认传达", "Only grid workers confirm relaying a warning"


class AlreadyRelayed(DomainError):
    status, code = 409, "already_relayed"
    zh, en = "您已确认传达过该预警", "You have already confirmed relaying this warning"


def _identifier(message: WarningMessage) -> str:
    """CAP's identifier, unique for the sender: the district's prefix, the local date, and the id's first digits."""
    return f"JH-{message.sent_at.astimezone(SHANGHAI):%Y%m%d}-{message.id.hex[:6].upper()}"


def _check_areas(area_ids: list[int], scope: Grants) -> list:
    found = queries.areas(set(area_ids))
    if len(found) != len(set(area_ids)) or any(
        area.level not in AREA_LEVELS or not covers_area(scope, area) for area in found
    ):
        raise BadAreas()
    return found


def issue(identity, body: dict, scope: Grants) -> tuple[WarningMessage, bool]:
    """发布预警: a new alert (its id may come from the issuing screen: sending it again answers the stored one)."""
    replay = _replay(body.get("id"), body, "alert")
    if replay is not None:
        return replay, False
    now = utcnow()
    message = WarningMessage(
        id=body.get("id") or uuid.uuid4(),
        msg_type="alert",
        sender=body.get("sender", "district"),
        status=body.get("status", "actual"),
        event=body["event"],
        category=EVENTS[body["event"]][2],
        level=body["level"],
        area_ids=sorted(set(body["area_ids"])),
        headline=body["headline"],
        description=body.get("description", ""),
        instruction=body.get("instruction", ""),
        effective_at=body.get("effective_at") or now,
        expires_at=body["expires_at"],
        issued_by=identity.user_id,
        sent_at=now,
    )
    message.root_id = message.id
    _send(message, identity, scope)
    return message, True


def change(identity, original: WarningMessage, body: dict, scope: Grants, msg_type: str) -> tuple[WarningMessage, bool]:
    """变更 (update) or 解除 (cancel) a message in force: a new message that names it and replaces it. An update
    takes what the body changes and keeps the rest; a cancellation keeps everything but its note."""
    replay = _replay(body.get("id"), body, msg_type)
    if replay is not None:
        return replay, False
    if original.superseded_by is not None or original.msg_type == "cancel" or original.expires_at <= utcnow():
        raise NotCurrent()
    now = utcnow()
    fields = ("level", "event", "area_ids", "headline", "description", "instruction", "effective_at", "expires_at")
    values = {name: getattr(original, name) for name in fields}
    if msg_type == "update":
        values.update({name: body[name] for name in fields if body.get(name) is not None})
        values["area_ids"] = sorted(set(values["area_ids"]))
    else:
        values["description"] = body.get("description") or original.description
    message = WarningMessage(
        id=body.get("id") or uuid.uuid4(),
        root_id=original.root_id,
        references_id=original.id,
        msg_type=msg_type,
        sender=original.sender,
        status=original.status,
        category=EVENTS[values["event"]][2],
        issued_by=identity.user_id,
        sent_at=now,
        **values,
    )
    if msg_type == "update" and values["effective_at"] < now and "effective_at" not in body:
        message.effective_at = original.effective_at
    original.superseded_by = message.id
    _send(message, identity, scope, reaching=queries.recipients_of(original.id) if msg_type == "cancel" else None)
    return message, True


def _replay(message_id, body: dict, msg_type: str) -> WarningMessage | None:
    """The message stored under the screen's id, if it was sent already (the same kind: else the id is taken)."""
    if message_id is None:
        return None
    stored = db.session.get(WarningMessage, message_id)
    if stored is None:
        return None
    if stored.msg_type != msg_type or (body.get("references") not in (None, stored.references_id)):
        raise IdTaken()
    return stored


def _send(message: WarningMessage, identity, scope: Grants, *, reaching: list[dict] | None = None) -> None:
    """Check, store and fan out a message: recipients, inbox, reminders, the event (last: it takes the chain's lock).
    A cancellation reaches whoever the message it cancels reached (`reaching`), wherever they are now."""
    if message.expires_at <= message.effective_at or (message.msg_type != "cancel" and message.expires_at <= utcnow()):
        raise BadTimes()
    areas = _check_areas(message.area_ids, scope)
    message.identifier = _identifier(message)
    people = reaching if reaching is not None else queries.concerned([area.path for area in areas])
    message.recipients_count = len(people)
    db.session.add(message)
    db.session.flush()
    queries.add_recipients([{**person, "warning_id": message.id} for person in people])
    users = [person["user_id"] for person in people]
    inbox_rows = clocks.inbox_entries(INBOX_KIND[message.msg_type], message, users)
    clocks.add_inbox(inbox_rows)
    if message.msg_type != "cancel":
        clocks.start_reminders(message, current_app.config["WARNING_REMINDER_MINUTES"])
    evidence.record(
        "warning",
        message.id,
        EVENT_ACTION[message.msg_type],
        actor_id=identity.user_id,
        to_state=message.msg_type,
        reason=message.headline[:500],
        data={"references": str(message.references_id) if message.references_id else None, "recipients": len(users)},
        client_id=f"warning:{message.id}",
    )
    push.announce(message, users)


def done_time(done_at, device_time, arrival, sent_at):
    """When the phone says a 已阅 or 已传达 was done, on the server's clock: its time corrected by the offset its
    Device-Time gives (as a hazard's observed_at), never later than its arrival nor before the message was sent.
    The arrival when the phone gave no time, or one that leaves the calendar once corrected."""
    if done_at is None:
        return arrival
    try:
        at = on_server_clock(done_at, clock_offset(arrival, device_time))
    except OverflowError:
        return arrival
    return min(max(at, sent_at), arrival) if sent_at is not None else min(at, arrival)


def first_reminder(message):
    """When the message's first reminder is (was) due: read before it counts as read in time."""
    minutes = current_app.config["WARNING_REMINDER_MINUTES"]
    return message.sent_at + timedelta(minutes=min(minutes)) if minutes else None


def acknowledge(identity, message, warning_id: uuid.UUID, body: dict, device_time=None):
    """已阅: the recipient read the message; their receipt (a row), with its arrival and when it was read (the
    phone's `done_at`). Again (a replay from the outbox, another phone) changes nothing. The busiest write of a
    warning (every recipient within minutes), so the common case is one UPDATE … RETURNING, then the event."""
    client_id, arrival = body["client_id"], utcnow()
    done = done_time(body.get("done_at"), device_time, arrival, message.sent_at if message else None)
    receipt = queries.mark_acknowledged(warning_id, identity.user_id, arrival, client_id, done)
    if receipt is not None:
        _record_ack(identity, warning_id, client_id)
        return receipt
    receipt = queries.receipt_row(warning_id, identity.user_id)
    if receipt is None:
        raise NotARecipient()
    return receipt


def _record_ack(identity, warning_id, client_id) -> None:
    evidence.record(
        "warning_receipt",
        warning_id,
        "acknowledge",
        actor_id=identity.user_id,
        data={"warning_id": str(warning_id), "user_id": str(identity.user_id)},
        client_id=f"warning-ack:{client_id}",
    )


def _acknowledged(identity, message, receipt, client_id, arrival, done) -> None:
    receipt.acknowledged_at, receipt.ack_client_id, receipt.ack_done_at = arrival, client_id, done
    _record_ack(identity, message.id, client_id)


def relay(identity, message: WarningMessage, body: dict, device_time=None):
    """已传达: a grid worker relayed the message to the households of their grid (how many; a photo, optionally).
    It reads as acknowledged too. The same client id again answers the stored relay; another one is refused."""
    receipt = queries.receipt(message.id, identity.user_id, lock=True)
    if receipt is None:
        raise NotARecipient()
    if receipt.role != "grid_worker":
        raise NotARelayer()
    if receipt.relayed_at is not None:
        if receipt.relay_client_id == body["client_id"]:
            return receipt
        raise AlreadyRelayed()
    arrival = utcnow()
    done = done_time(body.get("done_at"), device_time, arrival, message.sent_at)
    if receipt.acknowledged_at is None:
        _acknowledged(identity, message, receipt, body["client_id"], arrival, done)
    receipt.relayed_at, receipt.relay_client_id, receipt.relay_done_at = arrival, body["client_id"], done
    receipt.households, receipt.relay_note = body["households"], body.get("note", "")
    receipt.relay_photo_id = body.get("photo_id")
    if receipt.relay_photo_id is not None:
        photos.cite(
            [receipt.relay_photo_id],
            author=identity,
            record_type="warning_relay",
            record_id=body["client_id"],
            grid_id=receipt.grid_id or receipt.street_id,
        )
    evidence.record(
        "warning_receipt",
        message.id,
        "relay",
        actor_id=identity.user_id,
        attachments=[str(receipt.relay_photo_id)] if receipt.relay_photo_id else [],
        data={"warning_id": str(message.id), "user_id": str(identity.user_id), "households": receipt.households},
        client_id=f"warning-relay:{body['client_id']}",
    )
    return receipt


def default_expiry(now=None):
    return (now or utcnow()) + timedelta(hours=24)
