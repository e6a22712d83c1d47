"""What the loop's actions do to a hazard (`effect`) and what they start (`starts`), as hazards.machine names them.

An effect is called as `effect(hazard, body, identity)` before the hazard moves, and may refuse the change; a start
is called the same way after the event is recorded. Both change only the hazard and what hangs off it.
"""

from datetime import UTC, timedelta

from flask import current_app

from server.auth.queries import roles_covering
from server.auth.scope import Role
from server.core.db import db, utcnow
from server.core.errors import DomainError
from server.evidence import services as evidence
from server.hazards import clocks, documents
from server.hazards.models import Hazard, HazardInvitation
from server.notifications import services as inbox
from server.people.models import User


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


def order_rectification(hazard, body, identity):
    """责令限期整改: signed by the issuer and a second enforcement officer, each with a certificate number, both
    able to act on this hazard; the deadline set as a notice's, the responsible party kept unless given anew."""
    issuer = db.session.get(User, identity.user_id)
    if not issuer.certificate_no:
        raise Refused(
            422,
            "certificate_required",
            None,
            "您没有登记执法证号，不能签发责令限期整改指令书",
            "You have no certificate number on record: you cannot sign an enforcement order",
        )
    if body["co_signer"] == issuer.id:
        raise Refused(
            422,
            "validation_error",
            "co_signer",
            "第二执法人员应为您以外的另一名执法人员",
            "The second signing officer must be another officer, not you",
        )
    co_signer = _colleague(hazard, body, "co_signer", "enforcement_officer")
    if co_signer is None:
        raise Refused(
            422,
            "validation_error",
            "co_signer",
            "第二执法人员不存在，或不是该隐患所在范围内的执法人员",
            "The second signing officer is not an enforcement officer whose scope covers this hazard",
        )
    if not co_signer.certificate_no:
        raise Refused(
            422,
            "validation_error",
            "co_signer",
            "第二执法人员没有登记执法证号",
            "The second signing officer has no certificate number on record",
        )
    body["co_signer_name"] = co_signer.name
    set_deadline(hazard, body, identity)
    if body.get("responsible_party"):
        hazard.responsible_party = body["responsible_party"]


def invite_expert(hazard, body, identity):
    """邀请专家: an expert whose scope covers the hazard, once."""
    expert = _colleague(hazard, body, "expert", "expert")
    if expert is None:
        raise Refused(
            422,
            "validation_error",
            "expert",
            "所选人员不存在，或不是该隐患所在范围内的专家",
            "No expert whose scope covers this hazard is that person",
        )
    if db.session.get(HazardInvitation, (hazard.id, expert.id)) is not None:
        raise Refused(422, "validation_error", "expert", "已邀请过该专家", "That expert is invited already")
    db.session.add(HazardInvitation(hazard_id=hazard.id, expert_id=expert.id, invited_by_id=identity.user_id))
    body["expert_name"] = expert.name
    touch(hazard, body, identity)


def touch(hazard, _body, _identity):
    """A step that changes no field of the hazard still changes its record: a new version, so that a page
    showing the hazard reads its timeline again and a change made on the version before is refused as stale."""
    hazard.updated_at = utcnow()


record_finding = touch  # 专家意见: the finding is the event's reason, its photos the event's attachments


def _colleague(hazard, body, field: str, role: str) -> User | None:
    """The active user picked in `field`, if they hold `role` in a scope that covers the hazard."""
    user = db.session.get(User, body[field])
    if user is None or not user.is_active:
        return None
    held = [
        Role(a.role, a.area.path if a.area else None, a.enterprise_id, a.sector) for a in user.roles if a.role == role
    ]
    return user if held and roles_covering(Hazard, held, [hazard.id])[hazard.id] else None


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


def enforcement_order(hazard, body, identity):
    """责令限期整改指令书: numbered now, rendered after the commit, signed by both officers with the certificate
    numbers they hold now (a later change of number does not rewrite a signed order)."""
    issuer, co_signer = db.session.get(User, identity.user_id), db.session.get(User, body["co_signer"])
    documents.issue(
        hazard,
        "enforcement_order",
        {
            "deadline": jsonable(body["deadline"]),
            "requirements": body["requirements"],
            "responsible_party": hazard.responsible_party,
            "issuer_id": str(issuer.id),
            "issuer_certificate_no": issuer.certificate_no,
            "co_signer_id": str(co_signer.id),
            "co_signer_certificate_no": co_signer.certificate_no,
        },
    )


def notify_invited(hazard, body, _identity):
    inbox.notify("invited", hazard, {body["expert"]})


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
notify_ordered = notify("ordered", inbox.enterprise_users)
notify_extension = notify("extension_requested", lambda h: inbox.station_officers(h) | inbox.supervisors())
