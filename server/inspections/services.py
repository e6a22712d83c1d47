"""Inspections: idempotent on the phone's id, scored by the server on the version they name, their failed items made
hazards in the same transaction, every submission and correction on the record."""

import uuid
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from server.auth.services import Identity
from server.checkins.models import CheckIn
from server.core.db import add_once, db, insert_rows
from server.core.i18n import tr
from server.core.time import clock_offset, on_server_clock, utcnow
from server.evidence import services as evidence
from server.hazards import services as hazards
from server.inspections import queries, records, scoring, templates
from server.inspections.models import (
    HAZARD_SOURCE,
    Inspection,
    InspectionHazard,
    InspectionInspector,
    InspectionRevision,
    InspectionTemplate,
)
from server.inspections.refusals import Conflict, IdTaken, Refused, Stale
from server.people.models import RoleAssignment, User
from server.photos import services as photos
from server.sites.models import Site

# Hazards made from an inspection's items have ids of their own, derived from the inspection's and the item's:
# a replay, a correction or a retry after a crash finds the same hazard instead of making a second.
HAZARD_IDS = uuid.UUID("5b0f7c1e-3d2a-4e8f-9a61-7c0d2b4e9f13")

# What else a new submission does, registered by the domains above (a plan's task it completes), so that inspections
# know nothing of them: each is called with the stored inspection, in the submission's transaction.
SUBMITTED: list = []


def on_submit(func):
    SUBMITTED.append(func)
    return func


# what the phone sent that makes one inspection: a repeat must send exactly this again
CONTENT = (
    "template_id",
    "site_id",
    "mode",
    "started_at",
    "finished_at",
    "checkin_id",
    "acknowledgement",
    "answers",
    "co_inspector_ids",
    "expert_ids",
)


def submit(identity: Identity, body: dict, site_scope, device_time: datetime | None = None):
    """Store a submitted inspection, scored by the server on the version it names, with its failed items' hazards
    (or find the one already stored under its id): (inspection, whether new, its view). A new one's view is made
    from what was just computed and written, not read back."""
    body = _normalised(body)
    if queries.inspection_stored(body["id"]):  # a replay: answered before anything else is checked again
        existing = _same_or_conflict(db.session.get(Inspection, body["id"]), identity, body)
        return existing, False, views([existing], identity)[0]
    version = _usable_template(body["template_id"])
    site, sector = _site(body["site_id"], site_scope)
    _check_applies(version, site, sector)
    _check_mode(identity, body["mode"])
    people = _inspectors(identity, body)
    answers = _checked(version, body["answers"])
    result = scoring.score(version.sections, answers, version.pass_mark)
    received = utcnow()
    inspection = Inspection(
        id=body["id"],
        template_id=version.id,
        site_id=site.id,
        grid_id=site.grid_id,
        enterprise_id=site.enterprise_id,
        sector=sector,
        mode=body["mode"],
        inspector_id=identity.user_id,
        started_at=body["started_at"],
        finished_at=body["finished_at"],
        received_at=received,
        clock_offset_s=clock_offset(received, device_time),
        checkin_id=body["checkin_id"],
        acknowledgement=body["acknowledgement"],
        revision=1,
        **_score_columns(result),
    )
    inspection.flags = _flags(inspection, body["checkin_id"], identity)
    inspection.flagged = bool(inspection.flags)
    inspection, created = add_once(inspection, lambda stored: _same_or_conflict(stored, identity, body))
    if not created:  # a twin request stored it first
        return inspection, False, views([inspection], identity)[0]
    # what a new inspection brings along, written without the unit of work (nothing reads it back in this request)
    insert_rows(
        InspectionInspector, [{"inspection_id": inspection.id, "user_id": u, "role": r} for u, r, _name in people]
    )
    insert_rows(
        InspectionRevision,
        [
            {
                "id": inspection.id,
                "inspection_id": inspection.id,
                "number": 1,
                "answers": body["answers"],
                "score": result,
                "reason": "",
                "author_id": identity.user_id,
                "created_at": received,
            }
        ],
    )
    made = _cite_and_raise(identity, inspection, version, site, answers, result, site_scope, device_time, new=True)
    evidence.record(
        "inspection",
        inspection.id,
        "submit",
        actor_id=identity.user_id,
        to_state="submitted",
        attachments=_photo_ids(body["answers"], body["acknowledgement"]),
        client_id=f"inspection:{inspection.id}",
        data=_event_data(inspection, version, made),
    )
    records.issue(inspection)
    for hook in SUBMITTED:
        hook(inspection)
    return inspection, True, _new_view(inspection, version, site, people, body["answers"], result, made, identity)


def correct(identity: Identity, inspection: Inspection, body: dict, site_scope, device_time=None):
    """A new revision of the answers, scored again on the same version: the earlier ones stay on record. Failing
    items it marks for a hazard that have none yet get one. (revision, whether new)."""
    answers_sent = [_answer(a) for a in body["answers"]]
    replayed = db.session.get(InspectionRevision, body["id"])
    if replayed is not None:
        if replayed.inspection_id != inspection.id or replayed.answers != answers_sent:
            raise Refused(
                409, "id_conflict", None, "该更正编号已用于另一项更正", "This id belongs to another correction"
            )
        return replayed, False
    if body["based_on"] != inspection.revision:  # corrected by someone else since the phone read it
        raise Stale(inspection.revision)
    if not db.session.get(InspectionInspector, (inspection.id, identity.user_id)):
        raise Refused(
            403, "not_an_inspector", None, "只有检查人员可以更正检查记录", "Only its inspectors may correct it"
        )
    template = templates.version(inspection.template_id)  # an inspection's version is never a draft
    answers = _checked(template, answers_sent)
    result = scoring.score(template.sections, answers, template.pass_mark)
    inspection.revision += 1
    for name, value in _score_columns(result).items():
        setattr(inspection, name, value)
    revision = InspectionRevision(
        id=body["id"],
        inspection_id=inspection.id,
        number=inspection.revision,
        answers=answers_sent,
        score=result,
        reason=body["reason"],
        author_id=identity.user_id,
    )
    db.session.add(revision)
    db.session.flush()
    site = db.session.get(Site, inspection.site_id)
    made = _cite_and_raise(identity, inspection, template, site, answers, result, site_scope, device_time)
    evidence.record(
        "inspection",
        inspection.id,
        "correct",
        actor_id=identity.user_id,
        from_state="submitted",
        to_state="submitted",
        reason=body["reason"],
        attachments=_photo_ids(answers_sent, None),
        client_id=f"inspection-revision:{revision.id}",
        data=_event_data(inspection, template, made),
    )
    records.issue(inspection)
    return revision, True


def _normalised(body: dict) -> dict:
    ack = body.get("acknowledgement")
    return {
        **body,
        "started_at": body["started_at"].astimezone(UTC),
        "finished_at": body["finished_at"].astimezone(UTC),
        "co_inspector_ids": sorted({str(u) for u in body.get("co_inspector_ids", [])}),
        "expert_ids": sorted({str(u) for u in body.get("expert_ids", [])}),
        "acknowledgement": (
            {"name": ack["name"], "signature_photo_id": str(ack["signature_photo_id"])} if ack else None
        ),
        "answers": [_answer(a) for a in body["answers"]],
    }


def _answer(answer: dict) -> dict:
    """An answer as stored: ids as text, in one shape whatever was left out."""
    return {
        "item": answer["item"],
        "value": answer.get("value"),
        "note": answer.get("note") or "",
        "photo_ids": [str(p) for p in answer.get("photo_ids") or []],
        "raise_hazard": answer.get("raise_hazard"),
        "hazard_level": answer.get("hazard_level"),
    }


def _same_or_conflict(existing: Inspection, identity: Identity, body: dict) -> Inspection:
    if existing.inspector_id != identity.user_id:
        raise IdTaken
    first = db.session.scalars(
        select(InspectionRevision).where(
            InspectionRevision.inspection_id == existing.id, InspectionRevision.number == 1
        )
    ).one()
    people = dict(
        db.session.execute(
            select(InspectionInspector.user_id, InspectionInspector.role).where(
                InspectionInspector.inspection_id == existing.id
            )
        ).all()
    )
    stored = {
        "template_id": existing.template_id,
        "site_id": existing.site_id,
        "mode": existing.mode,
        "started_at": existing.started_at,
        "finished_at": existing.finished_at,
        "checkin_id": existing.checkin_id,
        "acknowledgement": existing.acknowledgement,
        "answers": first.answers,
        "co_inspector_ids": sorted(str(u) for u, r in people.items() if r == "co"),
        "expert_ids": sorted(str(u) for u, r in people.items() if r == "expert"),
    }
    different = [name for name in CONTENT if stored[name] != body.get(name)]
    if different:
        raise Conflict(different)
    return existing


def _usable_template(template_id) -> templates.Version:
    template = templates.version(template_id)
    if template is None:
        raise Refused(
            422,
            "validation_error",
            "template_id",
            "检查表不存在或尚未发布",
            "No such checklist, or not published",
        )
    return template  # an archived version still takes the inspections begun on it


def _site(site_id, site_scope) -> tuple:
    """The site (queries.site_in_scope) if within the caller's scope, and its enterprise's sector (管行业必须管安全)."""
    site = queries.site_in_scope(site_id, site_scope)
    if site is None:
        raise Refused(
            422, "validation_error", "site_id", "场所不存在或不在您的范围内", "No such site within your scope"
        )
    return site, site.sector or None


def _check_applies(template: templates.Version, site, sector: str | None):
    if not (template.site_types or template.sectors):
        return
    if site.type not in template.site_types and sector not in template.sectors:
        raise Refused(
            422,
            "template_not_applicable",
            "template_id",
            "该检查表不适用于这类场所",
            "This checklist does not apply to this kind of site",
        )


def _check_mode(identity: Identity, mode: str):
    if mode != "self_check" and all(role.role == "enterprise_user" for role in identity.roles):
        raise Refused(
            422, "validation_error", "mode", "企业用户只能提交企业自查", "An enterprise user submits self-checks only"
        )


def _inspectors(identity: Identity, body: dict) -> list[tuple]:
    """The lead (the caller), co-inspectors (active users) and invited experts (active users holding the role):
    [(user id, role, name)]."""
    people = [(identity.user_id, "lead", identity.name)]
    wanted = {uuid.UUID(u): "co" for u in body["co_inspector_ids"]} | {
        uuid.UUID(u): "expert" for u in body["expert_ids"]
    }
    wanted.pop(identity.user_id, None)
    if not wanted:
        return people
    active = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(list(wanted)), User.is_active.is_(True))).all()
    )
    experts = set(
        db.session.scalars(
            select(RoleAssignment.user_id).where(
                RoleAssignment.user_id.in_(list(wanted)), RoleAssignment.role == "expert"
            )
        )
    )
    for user_id, role in wanted.items():
        if user_id not in active or (role == "expert" and user_id not in experts):
            field = "expert_ids" if role == "expert" else "co_inspector_ids"
            raise Refused(
                422,
                "validation_error",
                field,
                "检查人员不存在或不是专家" if role == "expert" else "协同检查人不存在",
                "No such expert" if role == "expert" else "No such co-inspector",
            )
        people.append((user_id, role, active[user_id]))
    return people


def _checked(template: templates.Version, answers: list[dict]) -> dict[str, dict]:
    by_item = {answer["item"]: answer for answer in answers}
    found = scoring.problems(template.sections, by_item)
    if found:
        by_key = {}
        for problem in found:
            by_key.setdefault(problem.item, []).append(tr(problem.zh, problem.en))
        raise Refused(
            422,
            "answers_invalid",
            None,
            "有 {n} 个检查项的回答有误".replace("{n}", str(len(by_key))),
            f"{len(by_key)} item(s) answered wrongly",
            errors={"json": {"answers": by_key}},
        )
    return by_item


def _score_columns(result: dict) -> dict:
    return {
        "points": result["points"],
        "max_points": result["max"],
        "percentage": result["percentage"],
        "passed": result["passed"],
    }


def _flags(inspection: Inspection, checkin_id, identity: Identity) -> list[str]:
    """What a supervisor should see: presence not proven (no check-in, not found, another site's, far) and a phone
    clock off by more than the check-ins allow."""
    flags = []
    if checkin_id is None:
        flags.append("no_checkin")
    else:
        checkin = db.session.get(CheckIn, checkin_id)
        if checkin is None or checkin.user_id != identity.user_id:
            flags.append("checkin_not_found")
        elif checkin.site_id != inspection.site_id:
            flags.append("checkin_elsewhere")
        elif {"far", "no_location"} & set(checkin.flags):
            flags.append("checkin_far")
    if inspection.clock_offset_s is not None:
        try:
            on_server_clock(inspection.started_at, inspection.clock_offset_s)
        except OverflowError:
            raise Refused(
                422,
                "validation_error",
                "started_at",
                "按设备时钟偏差校正后的时间超出了可表示的范围",
                "started_at, corrected by the phone's clock offset, falls outside the calendar",
            ) from None
        if abs(inspection.clock_offset_s) > current_app.config["CHECKIN_MAX_CLOCK_OFFSET_S"]:
            flags.append("clock_off")
    return flags


def _photo_ids(answers: list[dict], acknowledgement: dict | None) -> list[str]:
    ids = {p for answer in answers for p in answer["photo_ids"]}
    if acknowledgement:
        ids.add(acknowledgement["signature_photo_id"])
    return sorted(ids)


def _cite_and_raise(
    identity, inspection, template, site, answers, result, site_scope, device_time, new=False
) -> list[dict]:
    """Cite the answers' photos (and the signature) and make the hazards of the failing items that ask for one,
    through the hazards' own report (its clock, its inbox, its record): [{item, hazard_id}] made now. `new`: the
    inspection was made in this transaction, so nothing cites its photos or links its hazards yet."""
    ack = inspection.acknowledgement
    (photos.cite_new_record if new else photos.cite)(
        [uuid.UUID(p) for p in _photo_ids(answers.values(), ack)],
        author=identity,
        record_type="inspection",
        record_id=inspection.id,
        site_id=inspection.site_id,
        grid_id=inspection.grid_id,
    )
    linked = (
        set()
        if new
        else set(
            db.session.scalars(select(InspectionHazard.item).where(InspectionHazard.inspection_id == inspection.id))
        )
    )
    reports, keys = [], []
    for key in result["failed_items"]:
        item, answer = template.items[key], answers[key]
        wanted = answer.get("raise_hazard")
        if key in linked or not (wanted or (wanted is None and item.get("hazard"))):
            continue
        proposal = item.get("hazard") or {"category": "other", "level": "general"}
        # a category retired since the version was published: the hazard is still reported, as "other"
        category = proposal["category"] if hazards.active_category(proposal["category"]) else "other"
        note = (answer.get("note") or "").strip()
        reports.append(
            {
                "id": uuid.uuid5(HAZARD_IDS, f"{inspection.id}:{key}"),
                "site_id": site.id,
                "category": category,
                "level": answer.get("hazard_level") or proposal["level"],
                "description": (f"{item['text']}：{note}" if note else item["text"])[:2000],
                "source": HAZARD_SOURCE.get(inspection.mode, "inspection"),
                "observed_at": inspection.finished_at,
                "photo_ids": answer["photo_ids"],
            }
        )
        keys.append(key)
    if not reports:
        return []
    made = [hazard for hazard, _new in hazards.report_many(identity, reports, site_scope, device_time=device_time)]
    links = list(zip(keys, made, strict=True))
    rows = [{"hazard_id": hazard.id, "inspection_id": inspection.id, "item": key} for key, hazard in links]
    insert_rows(InspectionHazard, rows)
    return [{"item": key, "hazard_id": str(hazard.id)} for key, hazard in links]


def _event_data(inspection: Inspection, template: templates.Version, made: list[dict]) -> dict:
    return {
        "template_id": str(template.id),
        "template_number": template.number,
        "site_id": str(inspection.site_id),
        "mode": inspection.mode,
        "revision": inspection.revision,
        "points": inspection.points,
        "max_points": inspection.max_points,
        "percentage": inspection.percentage,
        "passed": inspection.passed,
        "hazards": made,
        "flags": inspection.flags,
    }


# ---- reading ---------------------------------------------------------------------------------------------

INSPECTOR_ORDER = {"lead": 0, "co": 1, "expert": 2}


def _new_view(inspection, version, site, people, answers, result, made, identity) -> dict:
    """A new inspection as `views` shows it, from what the submission computed and wrote: only the photos' states
    are asked for (they are the photos', not the submission's)."""
    cited = _photo_ids(answers, inspection.acknowledgement)
    states = photos.photo_states([uuid.UUID(p) for p in cited], identity)
    return {
        **{column.key: getattr(inspection, column.key) for column in Inspection.__table__.columns},
        "template_name": version.name,
        "template_number": version.number,
        "site_name": site.name,
        "started_at_server": inspection.started_at_server,
        "finished_at_server": inspection.finished_at_server,
        "inspectors": sorted(
            ({"user_id": u, "name": name, "role": r} for u, r, name in people), key=lambda p: INSPECTOR_ORDER[p["role"]]
        ),
        "answers": answers,
        "score": result,
        "explanation": [tr(zh, en) for zh, en in scoring.explain(result)],
        "photos": [{"id": p, "state": states[uuid.UUID(p)]} for p in cited],
        "hazards": sorted(
            ({"item": link["item"], "hazard_id": uuid.UUID(link["hazard_id"])} for link in made),
            key=lambda link: link["item"],
        ),
    }


def views(found: list[Inspection], identity: Identity) -> list[dict]:
    """Inspections as the API shows them: the current revision's answers and score with its explanation, the
    inspectors' names, the photos' states and the hazards made from them (a few queries for a whole page)."""
    if not found:
        return []
    ids = [inspection.id for inspection in found]
    current = {(i.id, i.revision) for i in found}
    revisions = {
        r.inspection_id: r
        for r in db.session.scalars(select(InspectionRevision).where(InspectionRevision.inspection_id.in_(ids)))
        if (r.inspection_id, r.number) in current
    }
    templates = {
        t.id: t
        for t in db.session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.id.in_({i.template_id for i in found}))
        )
    }
    sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_({i.site_id for i in found}))).all())
    people: dict = {}
    for row in db.session.execute(
        select(InspectionInspector.inspection_id, InspectionInspector.user_id, InspectionInspector.role, User.name)
        .join(User, User.id == InspectionInspector.user_id)
        .where(InspectionInspector.inspection_id.in_(ids))
    ):
        people.setdefault(row.inspection_id, []).append({"user_id": row.user_id, "name": row.name, "role": row.role})
    links: dict = {}
    for link in db.session.scalars(select(InspectionHazard).where(InspectionHazard.inspection_id.in_(ids))):
        links.setdefault(link.inspection_id, []).append({"item": link.item, "hazard_id": link.hazard_id})
    cited = {i.id: _photo_ids(revisions[i.id].answers, i.acknowledgement) for i in found}
    states = photos.photo_states([uuid.UUID(p) for ps in cited.values() for p in ps], identity)
    return [
        {
            **{column.key: getattr(i, column.key) for column in Inspection.__table__.columns},
            "template_name": templates[i.template_id].name,
            "template_number": templates[i.template_id].number,
            "site_name": sites.get(i.site_id),
            "started_at_server": i.started_at_server,
            "finished_at_server": i.finished_at_server,
            "inspectors": sorted(people.get(i.id, []), key=lambda p: INSPECTOR_ORDER[p["role"]]),
            "answers": revisions[i.id].answers,
            "score": revisions[i.id].score,
            "explanation": [tr(zh, en) for zh, en in scoring.explain(revisions[i.id].score)],
            "photos": [{"id": p, "state": states[uuid.UUID(p)]} for p in cited[i.id]],
            "hazards": sorted(links.get(i.id, []), key=lambda link: link["item"]),
        }
        for i in found
    ]


def revisions_of(inspection: Inspection) -> list[InspectionRevision]:
    return db.session.scalars(
        select(InspectionRevision)
        .where(InspectionRevision.inspection_id == inspection.id)
        .order_by(InspectionRevision.number)
    ).all()
