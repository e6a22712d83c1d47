"""Warnings as the API shows them: a message with its areas' names, the caller's receipt, and the offices' totals."""

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.i18n import tr
from server.core.time import utcnow
from server.warnings import queries
from server.warnings.models import EVENTS, LEVELS, SENDERS, WarningMessage


def totals_view(row) -> dict:
    if row is None:
        return {
            "recipients": 0,
            "acknowledged": 0,
            "relayed": 0,
            "relayers": 0,
            "households": 0,
            "share": 1.0,
        }
    recipients = row.recipients or 0
    return {
        "recipients": recipients,
        "acknowledged": row.acknowledged or 0,
        "relayed": row.relayed or 0,
        "relayers": int(row.relayers or 0),
        "households": int(row.households or 0),
        "share": (row.acknowledged or 0) / recipients if recipients else 1.0,
        # a message's coverage only: read before its first reminder, by when each was read
        **({"read_in_time": int(row.read_in_time or 0)} if "read_in_time" in row._fields else {}),
    }


def receipt_view(receipt) -> dict | None:
    if receipt is None:
        return None
    return {
        "role": receipt.role,
        "acknowledged_at": receipt.acknowledged_at,
        "relayed_at": receipt.relayed_at,
        "ack_done_at": receipt.ack_done_at or receipt.acknowledged_at,  # the demo's past receipts have no other
        "relay_done_at": receipt.relay_done_at or receipt.relayed_at,
        "households": receipt.households,
        "relay_photo_id": receipt.relay_photo_id,
        "relay_note": receipt.relay_note,
        "must_relay": receipt.role == "grid_worker",
    }


def title(message) -> str:
    """红色暴雨预警 / Red rainstorm warning."""
    level, event = LEVELS[message.level], EVENTS[message.event]
    return tr("{lz}{ez}预警", "{le} {ee} warning", lz=level[0], ez=event[0], le=level[1], ee=event[1].lower())


def warning_views(
    messages: list[WarningMessage], user_id, *, with_totals: bool = False, receipts: dict | None = None
) -> list[dict]:
    """Each message as WarningSchema shows it: its areas named, the caller's receipt, and (for the offices) totals,
    in three queries for a page whatever its length."""
    ids = [m.id for m in messages]
    area_ids = {area_id for m in messages for area_id in m.area_ids}
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids))).all()) if area_ids else {}
    receipts = queries.receipts(ids, user_id) if receipts is None else receipts
    totals = queries.totals(ids) if with_totals else {}
    now = utcnow()
    return [
        {
            "id": m.id,
            "identifier": m.identifier,
            "root_id": m.root_id,
            "references": m.references_id,
            "superseded_by": m.superseded_by,
            "sender": m.sender,
            "sender_name": tr(*SENDERS[m.sender]),
            "sent_at": m.sent_at,
            "status": m.status,
            "msg_type": m.msg_type,
            "category": m.category,
            "event": m.event,
            "level": m.level,
            "title": title(m),
            "area_ids": m.area_ids,
            "area_names": [names.get(area_id, "") for area_id in m.area_ids],
            "headline": m.headline,
            "description": m.description,
            "instruction": m.instruction,
            "effective_at": m.effective_at,
            "expires_at": m.expires_at,
            "in_force": m.superseded_by is None and m.msg_type != "cancel" and m.expires_at > now,
            "is_demo": m.is_demo,
            "receipt": receipt_view(receipts.get(m.id)),
            "totals": totals_view(totals.get(m.id)) if with_totals else None,
        }
        for m in messages
    ]
