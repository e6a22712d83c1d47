"""The loop's documents: numbered when a transition decides them, rendered to PDF by a job afterwards."""

import hashlib
import logging
import uuid
from datetime import datetime

from sqlalchemy import select

from server import paperwork as pdf
from server.areas.models import Area
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.enterprises.models import Enterprise
from server.hazards.models import LEVELS, DocumentCounter, Hazard, HazardCategory, HazardDocument
from server.jobs import job, later
from server.people.models import User
from server.photos import images, services as photos
from server.photos.models import Photo, PhotoCitation, blob_key
from server.sites.models import Site
from server.storage import storage

log = logging.getLogger("safegrid.documents")

# kind → the number's pattern (江汉 + what it is + year + serial)
NUMBERS = {
    "rectification_notice": "江汉安隐改〔{year}〕第{n:04d}号",
    "reinspection_opinion": "江汉安复查〔{year}〕第{n:04d}号",
    "listing_notice": "江汉安督〔{year}〕第{n:04d}号",
    "enforcement_order": "江汉应急责改〔{year}〕第{n:04d}号",
}


def next_number(kind: str, at: datetime) -> str:
    """The next number of this kind this year: the counter row is locked, so numbers never repeat."""
    year = at.astimezone(SHANGHAI).year
    counter = db.session.scalars(
        select(DocumentCounter).where(DocumentCounter.kind == kind, DocumentCounter.year == year).with_for_update()
    ).first()
    if counter is None:
        counter = DocumentCounter(kind=kind, year=year, last=0)
        db.session.add(counter)
    counter.last += 1
    db.session.flush()
    return NUMBERS[kind].format(year=year, n=counter.last)


def issue(hazard: Hazard, kind: str, data: dict) -> HazardDocument:
    """Number a document now (in the transition's transaction) and have it rendered after the commit."""
    document = HazardDocument(hazard_id=hazard.id, kind=kind, number=next_number(kind, utcnow()), data=data)
    db.session.add(document)
    db.session.flush()
    later(render, str(document.id))
    return document


@job(queue="documents", timeout=60)
def render(document_id: str):
    """The job: render a document to PDF and keep it in storage by its SHA-256 (an id, not an object)."""
    document = db.session.get(HazardDocument, uuid.UUID(document_id))
    if document.state == "ready":  # rendered by an earlier attempt: a document never changes
        return
    try:
        data = RENDERERS[document.kind](document)
    except Exception:
        document.state = "failed"
        db.session.commit()
        raise
    document.sha256 = hashlib.sha256(data).hexdigest()
    storage().put_once(blob_key("documents", document.sha256), data)
    document.state = "ready"
    db.session.commit()


def pdf_bytes(document: HazardDocument) -> bytes:
    with storage().open(blob_key("documents", document.sha256)) as file:
        return file.read()


# ---- filling the forms from the hazard ------------------------------------------------------------------------

# kind → who signs: the issuer (printed, dated) and the party (a line to sign on paper)
SIGNERS = {
    "rectification_notice": ("检查人员", "被检查单位负责人"),
    "reinspection_opinion": ("检查人员", "被检查单位负责人"),
    "listing_notice": ("督办人员", "被督办单位负责人"),
    "enforcement_order": ("执法人员", "被检查单位负责人"),
}
DISTRICT_BUREAU = "江汉区应急管理局"


def _parts(document: HazardDocument):
    hazard = db.session.get(Hazard, document.hazard_id)
    site = db.session.get(Site, hazard.site_id) if hazard.site_id else None
    enterprise = db.session.get(Enterprise, hazard.enterprise_id) if hazard.enterprise_id else None
    street = db.session.get(Area, hazard.street_id)
    party = pdf.Party(
        name=(enterprise.name if enterprise else document.data.get("responsible_party", "")),
        address=(enterprise.address if enterprise else ""),
        uscc=(enterprise.uscc if enterprise else ""),
    )
    issuer = db.session.get(User, uuid.UUID(document.data["issuer_id"]))
    issuer_role, party_role = SIGNERS[document.kind]
    signatures = [
        pdf.Signature(role=issuer_role, name=issuer.name, signed_at=document.created_at),
        pdf.Signature(role=party_role, name=""),
    ]
    return hazard, site, street, party, signatures


def _photos(hazard: Hazard, photo_ids, caption: str) -> list:
    """The cited photos' thumbnails, in the order cited, numbered after the caption."""
    jpegs = cited_thumbnails("hazard", hazard.id, photo_ids).values()
    return [pdf.Photo(caption=f"{caption}{n}", jpeg=jpeg) for n, jpeg in enumerate(jpegs, start=1)]


def cited_thumbnails(record_type: str, record_id, photo_ids) -> dict[uuid.UUID, bytes]:
    """The thumbnails of the photos a record cites, by id in the order cited: only those its citation grants (a
    record cannot put on paper a photo its author had no right to cite). A photo whose copies are not made yet (its
    job queued behind this one, or running beside it) gets its thumbnail made from the original here; one that has
    not arrived, or cannot be read, is left out: the document does not wait for it."""
    ids = [uuid.UUID(str(photo_id)) for photo_id in photo_ids]
    granted = (
        select(PhotoCitation.id)
        .where(
            PhotoCitation.photo_id == Photo.id,
            PhotoCitation.record_type == record_type,
            PhotoCitation.record_id == record_id,
            PhotoCitation.granting(),
        )
        .correlate_except(PhotoCitation)
        .exists()
    )
    stored = {photo.id: photo for photo in db.session.scalars(select(Photo).where(Photo.id.in_(ids), granted))}
    thumbnails = {}
    for photo in (stored[photo_id] for photo_id in dict.fromkeys(ids) if photo_id in stored):
        jpeg = _thumbnail(photo)
        if jpeg is not None:
            thumbnails[photo.id] = jpeg
    return thumbnails


def _thumbnail(photo: Photo) -> bytes | None:
    if photo.state == "ready":
        return photos.copy_bytes(photo, "thumb")  # checked against its hash, made again if a crash broke it
    if photo.state == "failed":
        return None
    try:
        with storage().open(photo.original_key) as file:
            return images.render(file)[1]  # the copies job makes the same thumbnail (the watermark is not on it)
    except Exception:
        log.warning("photo %s could not go on a document: its original cannot be read", photo.id)
        return None


def _notice(document: HazardDocument) -> bytes:
    hazard, site, street, party, signatures = _parts(document)
    category = db.session.get(HazardCategory, hazard.category)
    return pdf.render_rectification_notice(
        pdf.RectificationNotice(
            number=document.number,
            issuer_org=f"江汉区{street.name}安全生产监督管理站",
            party=party,
            site_name=site.name if site else "",
            site_address=site.address if site else "",
            found_at=hazard.observed_at_server,
            hazard_level=LEVELS[hazard.level][0],
            category=category.name_zh,
            description=hazard.description,
            requirements=document.data.get("requirements") or "立即整改，消除隐患。",
            deadline=datetime.fromisoformat(document.data["deadline"]),
            photos=_photos(hazard, hazard.photo_ids, "现场照片"),
            signatures=signatures,
            issued_at=document.created_at,
        )
    )


def _opinion(document: HazardDocument) -> bytes:
    hazard, site, street, party, signatures = _parts(document)
    notice = db.session.scalars(
        select(HazardDocument)
        .where(HazardDocument.hazard_id == hazard.id, HazardDocument.kind == "rectification_notice")
        .order_by(HazardDocument.created_at.desc())
    ).first()
    passed = document.data["passed"]
    return pdf.render_reinspection_opinion(
        pdf.ReinspectionOpinion(
            number=document.number,
            notice_number=notice.number if notice else "",
            party=party,
            issuer_org=f"江汉区{street.name}安全生产监督管理站",
            site_name=site.name if site else "",
            hazard_summary=hazard.description,
            reinspected_at=document.created_at,
            passed=passed,
            findings=document.data.get("result", ""),
            new_deadline=None if passed else datetime.fromisoformat(document.data["deadline"]),
            photos=_photos(hazard, document.data.get("photo_ids", []), "复查照片"),
            signatures=signatures,
            issued_at=document.created_at,
        )
    )


def _listing(document: HazardDocument) -> bytes:
    """The deadline and the plan as they stood when the hazard was listed (kept in the document's data)."""
    hazard, site, _street, party, signatures = _parts(document)
    category = db.session.get(HazardCategory, hazard.category)
    return pdf.render_listing_notice(
        pdf.ListingNotice(
            number=document.number,
            issuer_org=DISTRICT_BUREAU,
            party=party,
            site_name=site.name if site else "",
            site_address=site.address if site else "",
            found_at=hazard.observed_at_server,
            hazard_level=LEVELS[hazard.level][0],
            category=category.name_zh,
            description=hazard.description,
            reason=document.data["reason"],
            deadline=_moment(document.data.get("deadline")),
            plan=_plan(document.data.get("plan")),
            photos=_photos(hazard, hazard.photo_ids, "现场照片"),
            signatures=signatures,
            issued_at=document.created_at,
        )
    )


def _order(document: HazardDocument) -> bytes:
    """Both officers sign with the certificate numbers they held when the order was issued (its data)."""
    hazard, site, _street, party, signatures = _parts(document)
    category = db.session.get(HazardCategory, hazard.category)
    co_signer = db.session.get(User, uuid.UUID(document.data["co_signer_id"]))
    issuer, party_line = signatures
    officers = [
        pdf.Signature(issuer.role, issuer.name, document.data["issuer_certificate_no"], document.created_at),
        pdf.Signature(issuer.role, co_signer.name, document.data["co_signer_certificate_no"], document.created_at),
    ]
    return pdf.render_enforcement_order(
        pdf.EnforcementOrder(
            number=document.number,
            issuer_org=DISTRICT_BUREAU,
            party=party,
            site_name=site.name if site else "",
            site_address=site.address if site else "",
            found_at=hazard.observed_at_server,
            hazard_level=LEVELS[hazard.level][0],
            category=category.name_zh,
            description=hazard.description,
            requirements=document.data["requirements"],
            deadline=datetime.fromisoformat(document.data["deadline"]),
            photos=_photos(hazard, hazard.photo_ids, "现场照片"),
            signatures=[*officers, party_line],
            issued_at=document.created_at,
        )
    )


def _plan(plan: dict | None):
    if not plan:
        return None
    return pdf.RectificationPlan(
        measures=plan["measures"],
        responsible_person=plan["responsible_person"],
        funds=plan["funds"],
        deadline=_moment(plan["deadline"]),
        contingency_plan=plan["contingency_plan"],
    )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


RENDERERS = {
    "rectification_notice": _notice,
    "reinspection_opinion": _opinion,
    "listing_notice": _listing,
    "enforcement_order": _order,
}
