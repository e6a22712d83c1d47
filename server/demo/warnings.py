"""The demo's past rainstorm (演示预警): a red rainstorm warning relayed from the weather service for two streets three
days ago, read by everyone it reached (most within ten minutes, some after the reminders) and relayed by the grid
workers, then cancelled; so that the warning screens and their coverage show what they are for on first start.

Written in bulk at its past times, as the demo's year of hazards is (server.demo.history): the messages and their
recipients as rows, the reminders' clocks as fired, and the events through `evidence.record_past` in time order.
"""

import random
import uuid
from datetime import timedelta

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.time import utcnow
from server.evidence import services as evidence
from server.warnings import queries
from server.warnings.models import WarningClock, WarningMessage
from server.warnings.services import SHANGHAI

STREETS = ("420103001", "420103002")  # 民族街道, 花楼街道
HEADLINE = "武汉市气象台发布暴雨红色预警信号（演示）"
DESCRIPTION = "受强对流云团影响，预计未来3小时内江汉区降雨量将达100毫米以上，局地伴有雷电和短时大风。"
INSTRUCTION = (
    "立即转移低洼地带、地下空间和危旧房屋人员；关闭地下车库和下沉式通道；网格员逐户告知并确认传达；"
    "企业停止室外作业，做好防汛物资准备。"
)
CANCEL_NOTE = "降雨已明显减弱，暴雨红色预警解除（演示）。"


def add() -> int:
    """The past rainstorm, unless it is loaded already (a demo message exists): how many messages were added."""
    if db.session.scalar(select(WarningMessage.id).where(WarningMessage.is_demo).limit(1)) is not None:
        return 0
    areas = db.session.execute(select(Area.id, Area.path).where(Area.code.in_(STREETS))).all()
    if len(areas) != len(STREETS):
        return 0
    rng = random.Random("demo-warnings")
    local = (utcnow() - timedelta(days=3)).astimezone(SHANGHAI)
    sent = local.replace(hour=5, minute=30, second=0, microsecond=0)
    alert = _message(rng, "alert", sent, [a.id for a in areas])
    cancel = _message(rng, "cancel", sent + timedelta(hours=9), alert.area_ids, references=alert)
    alert.superseded_by = cancel.id
    db.session.add_all([alert, cancel])
    db.session.flush()
    people = queries.concerned([a.path for a in areas])
    events = [_event(alert, "issue", sent, len(people))]
    rows, cancelled = [], []
    for person in people:
        read = sent + timedelta(minutes=rng.choice([2, 3, 4, 5, 6, 8, 9, 12, 15, 25, 35]), seconds=rng.randint(0, 59))
        row = {
            **person,
            "warning_id": alert.id,
            "acknowledged_at": read,
            "ack_client_id": uuid.UUID(int=rng.getrandbits(128)),
        }
        events.append(_receipt(alert, "acknowledge", read, person["user_id"], row["ack_client_id"]))
        if person["role"] == "grid_worker":
            relayed = read + timedelta(minutes=rng.randint(20, 90))
            row.update(relayed_at=relayed, relay_client_id=uuid.UUID(int=rng.getrandbits(128)))
            row.update(households=rng.randint(80, 420), relay_note="逐户敲门告知，楼栋群内转发")
            events.append(
                _receipt(alert, "relay", relayed, person["user_id"], row["relay_client_id"], row["households"])
            )
        rows.append(row)
        cancelled.append({**person, "warning_id": cancel.id})
    alert.recipients_count = cancel.recipients_count = len(people)
    queries.add_recipients(rows + cancelled)
    # the reminders fired for those who had not read it yet; none is left to fire
    db.session.add_all(
        WarningClock(
            warning_id=alert.id,
            kind="reminder",
            due_at=sent + timedelta(minutes=m),
            fired_at=sent + timedelta(minutes=m),
            outcome="fired",
        )
        for m in (10, 30)
    )
    for minutes in (10, 30):
        waiting = sum(1 for row in rows if row["acknowledged_at"] > sent + timedelta(minutes=minutes))
        events.append(
            {
                **_event(alert, "remind", sent + timedelta(minutes=minutes), 0),
                "actor_id": None,
                "reason": "提醒未阅人员",
                "data": {"unacknowledged": waiting},
            }
        )
    events.append(_event(cancel, "cancel", cancel.sent_at, len(people)))
    evidence.record_past(sorted(events, key=lambda change: change["at"]))
    return 2


def _message(rng, msg_type, sent, area_ids, references=None) -> WarningMessage:
    message_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    return WarningMessage(
        id=message_id,
        identifier=f"JH-{sent:%Y%m%d}-{message_id.hex[:6].upper()}",
        root_id=references.id if references else message_id,
        references_id=references.id if references else None,
        sender="weather",
        status="actual",
        msg_type=msg_type,
        event="rainstorm",
        category="Met",
        level="red",
        area_ids=sorted(area_ids),
        headline=HEADLINE,
        description=CANCEL_NOTE if msg_type == "cancel" else DESCRIPTION,
        instruction=INSTRUCTION,
        effective_at=references.effective_at if references else sent,
        expires_at=references.expires_at if references else sent + timedelta(hours=12),
        sent_at=sent,
        is_demo=True,
    )


def _event(message, action, at, recipients) -> dict:
    return {
        "record_type": "warning",
        "record_id": message.id,
        "action": action,
        "actor_id": None,
        "to_state": message.msg_type,
        "reason": message.headline,
        "data": {"references": str(message.references_id) if message.references_id else None, "recipients": recipients},
        "client_id": f"warning:{message.id}" if action != "remind" else f"warning-demo-remind:{message.id}:{at:%H%M}",
        "at": at,
    }


def _receipt(message, action, at, user_id, client_id, households=None) -> dict:
    data = {"warning_id": str(message.id), "user_id": str(user_id)}
    if households is not None:
        data["households"] = households
    return {
        "record_type": "warning_receipt",
        "record_id": message.id,
        "action": action,
        "actor_id": user_id,
        "data": data,
        "client_id": f"warning-{'ack' if action == 'acknowledge' else 'relay'}:{client_id}",
        "at": at,
    }
