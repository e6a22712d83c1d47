"""The inspection record (检查记录) on paper: one A4 PDF per revision, rendered when it is first asked for and kept by
its SHA-256 from then on.

Not rendered on every submission, as the hazard documents are: a 68-item assessment's record costs about half a
second of CPU, which would compete with the submissions themselves for the web's cores, and most records are never
printed. The page is the same whenever it is rendered (its time is the revision's, its photos' thumbnails are made
from the originals if need be), so rendering late changes nothing on paper."""

import hashlib
import uuid

from sqlalchemy import select

from server import paperwork as pdf
from server.core.db import db, insert_rows
from server.enterprises.models import Enterprise
from server.hazards.documents import cited_thumbnails
from server.inspections import scoring
from server.inspections.models import (
    FLAGS,
    KINDS,
    MODES,
    Inspection,
    InspectionHazard,
    InspectionInspector,
    InspectionRecord,
    InspectionRevision,
    InspectionTemplate,
)
from server.people.models import User
from server.photos.models import blob_key
from server.sites.models import Site
from server.storage import storage

CRITICAL_SCOPE = {"section": "否决本大类", "whole": "否决整张检查表"}


def issue(inspection: Inspection) -> None:
    """The record of the inspection's current revision, pending: put on paper when first asked for (`ready`).
    Inserted now, without the unit of work: nothing reads it in the request that makes it."""
    insert_rows(InspectionRecord, [{"inspection_id": inspection.id, "revision": inspection.revision}])


def current(inspection: Inspection, revision: int | None = None) -> InspectionRecord | None:
    """The record of a revision (the current one unless said)."""
    return db.session.scalars(
        select(InspectionRecord).where(
            InspectionRecord.inspection_id == inspection.id,
            InspectionRecord.revision == (revision or inspection.revision),
        )
    ).first()


def ready(record: InspectionRecord) -> InspectionRecord:
    """The record with its PDF kept: rendered now if this is the first time it is asked for, and committed, so a
    read fills it once. Two first requests at once take turns on the record's row (SELECT … FOR UPDATE): the second
    waits for the first's page and serves it rather than render it again. (SQLite has no row locks: there both
    render, and both keep the same bytes under the same hash.)"""
    if record.state == "ready":
        return record
    locked = db.session.scalars(
        select(InspectionRecord).where(InspectionRecord.id == record.id).with_for_update(),
        execution_options={"populate_existing": True},
    ).one()
    if locked.state != "ready":  # pending, or "failed" by the job that used to render it: rendered here
        data = pdf.render_inspection_record(_facts(locked))
        locked.sha256 = hashlib.sha256(data).hexdigest()
        storage().put_once(blob_key("documents", locked.sha256), data)
        locked.state = "ready"
    # A GET commits nothing at the request's boundary: this is a cache filled on the way, ending the lock
    db.session.commit()
    return locked


def pdf_bytes(record: InspectionRecord) -> bytes:
    with storage().open(blob_key("documents", record.sha256)) as file:
        return file.read()


def number(record: InspectionRecord) -> str:
    """The record's number: the inspection's id, short, and the revision (a loose page matches its record)."""
    return f"JC{record.inspection_id.hex[:12].upper()}-{record.revision}"


# ---- gathering the facts ------------------------------------------------------------------------------------


def _facts(record: InspectionRecord) -> pdf.InspectionRecord:
    inspection = db.session.get(Inspection, record.inspection_id)
    revision = db.session.scalars(
        select(InspectionRevision).where(
            InspectionRevision.inspection_id == inspection.id, InspectionRevision.number == record.revision
        )
    ).one()
    template = db.session.get(InspectionTemplate, inspection.template_id)
    site = db.session.get(Site, inspection.site_id)
    enterprise = db.session.get(Enterprise, site.enterprise_id) if site.enterprise_id else None
    people = db.session.execute(
        select(InspectionInspector.role, User.name)
        .join(User, User.id == InspectionInspector.user_id)
        .where(InspectionInspector.inspection_id == inspection.id)
    ).all()
    order = {"lead": 0, "co": 1}
    inspectors = [name for role, name in sorted(people, key=lambda p: order.get(p[0], 2)) if role != "expert"]
    experts = sorted(name for role, name in people if role == "expert")
    answers = {answer["item"]: answer for answer in revision.answers}
    hazards = set(
        db.session.scalars(select(InspectionHazard.item).where(InspectionHazard.inspection_id == inspection.id))
    )
    photos, numbers = _photos(inspection, template, answers)
    score = revision.score
    items = {item["key"]: item for s in template.sections for item in s["items"]}
    sections = [
        pdf.RecordSection(
            title=s["title"],
            points=s["points"],
            max_points=s["max"],
            critical_failed=s["critical_failed"],
            items=[
                _item(items[line["item"]], line, answers.get(line["item"]), numbers, hazards) for line in s["items"]
            ],
        )
        for s in score["sections"]
    ]
    return pdf.InspectionRecord(
        number=number(record),
        checklist=f"{template.name}（第{template.number}版）",
        kind=KINDS[template.kind][0],
        mode=MODES[inspection.mode][0],
        site_name=site.name,
        site_address=site.address,
        enterprise_name=enterprise.name if enterprise else "",
        enterprise_uscc=(enterprise.uscc or "") if enterprise else "",
        started_at=inspection.started_at_server,
        finished_at=inspection.finished_at_server,
        inspectors=inspectors,
        experts=experts,
        sections=sections,
        points=score["points"],
        max_points=score["max"],
        percentage=score["percentage"],
        pass_mark=score["pass_mark"],
        passed=score["passed"],
        critical_failures=[items[f["item"]]["text"] for f in score["critical_failures"]],
        photos=photos,
        signatures=_signatures(inspection, inspectors, experts),
        revision=record.revision,
        reason=revision.reason,
        flags=[FLAGS[flag][0] for flag in inspection.flags if flag in FLAGS],
        produced_at=record.created_at,  # not the render's time: a re-render gives the same bytes
    )


def _item(item: dict, line: dict, answer: dict | None, numbers: dict, hazards: set) -> pdf.RecordItem:
    return pdf.RecordItem(
        text=item["text"],
        answer=_answer_text(item, line["outcome"], answer),
        points=line["points"],
        max_points=line["max"],
        failed=line["outcome"] == "fail",
        critical=CRITICAL_SCOPE.get(item.get("critical") or "", ""),
        note=(answer or {}).get("note") or "",
        basis=item.get("basis") or "",
        photo_numbers=tuple(
            numbers.get((item["key"], p)) for p in (answer or {}).get("photo_ids", ()) if (item["key"], p) in numbers
        ),
        hazard=item["key"] in hazards,
    )


def _answer_text(item: dict, outcome: str, answer: dict | None) -> str:
    """What was answered, in words: 合格 / 不合格 / 不适用, the option chosen, the number and its unit, the text."""
    if answer is None or outcome in scoring.LEFT_OUT:
        return scoring.OUTCOMES[outcome][0]
    value, kind = answer.get("value"), item["answer_type"]
    if kind == "choice":
        return next(o["label"] for o in item["options"] if o["key"] == value)
    if kind == "number":
        return f"{value:g}{item.get('unit') or ''}"
    if kind == "text":
        return str(value or "")
    if kind == "photo":
        return "已拍照" if answer.get("photo_ids") else "未拍照"
    return scoring.OUTCOMES[outcome][0]


def _photos(inspection: Inspection, template: InspectionTemplate, answers: dict):
    """The answers' photos in the checklist's order, captioned with their item; and each (item, photo)'s 图 number."""
    cited = [
        (item, photo_id)
        for s in template.sections
        for item in s["items"]
        for photo_id in (answers.get(item["key"]) or {}).get("photo_ids", ())
    ]
    thumbnails = cited_thumbnails("inspection", inspection.id, [photo_id for _item, photo_id in cited])
    photos, numbers = [], {}
    for item, photo_id in cited:
        jpeg = thumbnails.get(uuid.UUID(photo_id))
        if jpeg is not None:
            photos.append(pdf.Photo(caption=item["text"][:24], jpeg=jpeg))
            numbers[(item["key"], photo_id)] = len(photos)
    return photos, numbers


def _signatures(inspection: Inspection, inspectors: list[str], experts: list[str]) -> list[pdf.Signature]:
    """The inspectors and experts (printed), and the inspected party's acknowledgement: the name and the signature
    drawn on the phone, or a line to sign on paper when there is none."""
    at = inspection.finished_at_server
    lines = [pdf.Signature("检查人员", name, signed_at=at) for name in inspectors]
    lines += [pdf.Signature("专家", name, signed_at=at) for name in experts]
    ack = inspection.acknowledgement
    if not ack:
        return [*lines, pdf.Signature("被检查单位确认人", "")]
    drawn = cited_thumbnails("inspection", inspection.id, [ack["signature_photo_id"]])
    image = next(iter(drawn.values()), None)
    return [*lines, pdf.Signature("被检查单位确认人", ack["name"], signed_at=at, image_png=image)]
