"""What the loop's actions do to a hazard (`effect`) and what they start (`starts`), as hazards.machine names them.

An effect is called as `effect(hazard, body, identity)` before the hazard moves, and may refuse the change; a start
is called the same way after the event is recorded. Both change only the hazard and what hangs off it.
"""

from datetime import UTC, timedelta

from flask import current_app

from server.core.db import db, utcnow
from server.core.errors import DomainError
from server.evidence import services as evidence
from server.hazards import clocks, documents
from server.hazards.models import Hazard
from server.notifications import services as inbox


class Refused(DomainError):
    """A report or change the server will not take: a status, a stable code, and the field at fault."""

    def __init__(self, status: int, code: str, field: str, zh: str, en: str):
        super().__init__(en)
        self.status, self.code, self.field, self.zh, self.en = status, code, field, zh, en


def jsonable(value):
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    return value if isinstance(value, (bool, dict)) else str(value)


# ---- effects ---------------------------------------------------------------------------------------------------


def acknowledge(hazard, _body, _identity):
    hazard.acknowledged_at = utcnow()


def merge(hazard, body, _identity):
    target = db.session.get(Hazard, body["duplicate_of"])
    if target is None or target.id == hazard.id or target.street_id != hazard.street_id:
        raise Refused(
            422,
            "validation_error",
            "duplicate_of",
            "要合并到的隐患不存在或不在同一街道",
            "The hazard to merge into does not exist or is in another street",
        )
    hazard.merged_into_id = target.id


def transfer(hazard, body, _identity):
    """移送: the sector's department sees it from now on, and may acknowledge it (hazards.machine `transferred`)."""
    hazard.sector = body["sector"]
    hazard.transferred_at = utcnow()


def issue_notice(hazard, body, identity):
    if body.get("deadline") is None:  # the default for the level; written into the payload for the record
        days = current_app.config["HAZARD_DEADLINE_DAYS"][hazard.level]
        body["deadline"] = utcnow() + timedelta(days=days)
    set_deadline(hazard, body, identity)
    hazard.responsible_party = body["responsible_party"]


def set_deadline(hazard, body, _identity):
    if body["deadline"] <= utcnow():
        raise Refused(422, "validation_error", "deadline", "整改期限应在将来", "The deadline must be in the future")
    hazard.deadline = body["deadline"]


def close(hazard, _body, _identity):
    hazard.closed_at = utcnow()


def submit_plan(hazard, body, _identity):
    hazard.plan = body["plan"]


def record_dual_report(hazard, body, _identity):
    hazard.regulator_reported_at = body["regulator_reported_at"]
    hazard.workers_congress_reported_at = body["workers_congress_reported_at"]


def list_(hazard, _body, _identity):
    hazard.listed_at = utcnow()


def request_extension(hazard, body, _identity):
    if body["deadline"] <= hazard.deadline:
        raise Refused(
            422,
            "validation_error",
            "deadline",
            "延期后的期限应晚于原期限",
            "The extended deadline must be later than the current one",
        )
    hazard.extension_until = body["deadline"]


def decide_extension(hazard, body, _identity):
    hazard.extension_decision = "approved" if body["approved"] else "refused"
    if body["approved"]:
        hazard.deadline = hazard.extension_until


def delist(hazard, _body, _identity):
    hazard.delisted_at = utcnow()


# ---- starts ----------------------------------------------------------------------------------------------------


def forward_major(hazard, _body, identity):
    """A major hazard goes to the district the moment it is acknowledged (the 30-minute rule, met at once)."""
    if hazard.level == "major":
        inbox.notify("major_forwarded", hazard, inbox.supervisors())
        evidence.record(
            "hazard",
            hazard.id,
            "forward",
            actor_id=identity.user_id,
            from_state=hazard.state,
            to_state=hazard.state,
            reason="重大隐患报区应急管理局",
            client_id=f"forward:{hazard.id}",
        )


def document(kind: str):
    """Issue a document of `kind` (numbered now, rendered after the commit) from the change's payload."""

    def issue(hazard, body, identity):
        data = {
            k: jsonable(body[k])
            for k in ("deadline", "responsible_party", "result", "requirements")
            if body.get(k) is not None
        }
        documents.issue(
            hazard,
            kind,
            {
                **data,
                "issuer_id": str(identity.user_id),
                "passed": body["action"] == "close",
                "photo_ids": [str(p) for p in body.get("photo_ids") or []],
            },
        )

    return issue


def reinspection_due(hazard, _body, _identity):
    inbox.notify("reinspection_due", hazard, inbox.station_officers(hazard), key=str(hazard.version))
    clocks.start_reinspection(hazard)


def listing_notice(hazard, body, identity):
    """挂牌督办通知书: numbered now, rendered after the commit; the deadline and the plan (五落实) go in as they
    stand at listing. The hazard carries the notice's number."""
    data = {
        "reason": body["reason"],
        "issuer_id": str(identity.user_id),
        "plan": hazard.plan,
        "deadline": jsonable(hazard.deadline) if hazard.deadline else None,
        "responsible_party": hazard.responsible_party,
    }
    hazard.listing_number = documents.issue(hazard, "listing_notice", data).number


def notify(kind: str, recipients):
    """Tell `recipients(hazard)` in their inbox. Keys carry the hazard's version: a notice after a failed
    re-inspection is a new one, a replay is not."""
    return lambda h, _body, _identity: inbox.notify(kind, h, recipients(h), key=str(h.version))


rectification_notice = document("rectification_notice")
reinspection_opinion = document("reinspection_opinion")
notify_enterprise = notify("notice", inbox.enterprise_users)
notify_department = notify("transferred", inbox.department_officers)
notify_returned = notify("returned", inbox.enterprise_users)
notify_extension = notify("extension_requested", lambda h: inbox.station_officers(h) | inbox.supervisors())
