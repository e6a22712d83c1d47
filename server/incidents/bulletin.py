"""The incident's chain of reports gathered into the 信息专报 (server.paperwork.bulletin), rendered on request: it
changes with every follow-up, and a page of text renders in milliseconds."""

from server.areas.models import Area
from server.core.db import db
from server.hazards.documents import cited_thumbnails
from server.incidents import classification
from server.incidents.models import CASUALTIES, REPORT_KINDS, STATES, Incident
from server.incidents.services import names_of, reports_of
from server.paperwork import Photo
from server.paperwork.bulletin import Bulletin, BulletinReport, render_bulletin
from server.sites.models import Site


def casualties(record) -> str:
    return "，".join(f"{zh}{getattr(record, key)}人" for key, (zh, _en) in CASUALTIES.items())


def number(incident: Incident) -> str:
    """A stable number: the street's code, the receipt's date and the id's first characters."""
    return f"{incident.received_at:%Y%m%d}-{str(incident.id)[:8].upper()}"


def pdf_bytes(incident: Incident) -> bytes:
    reports = reports_of(incident)
    names = names_of({incident.reporter_id, *(r.author_id for r in reports)})
    street = db.session.get(Area, incident.street_id)
    site = db.session.get(Site, incident.site_id) if incident.site_id else None
    place = "，".join(p for p in (site.name if site else "", incident.address) if p) or street.name
    if incident.latitude is not None and incident.longitude is not None:
        place += f"（北纬{incident.latitude:.5f}，东经{incident.longitude:.5f}）"
    chain = [
        BulletinReport(
            REPORT_KINDS["initial"][0],
            incident.received_at,
            names.get(incident.reporter_id, ""),
            casualties(incident),
            incident.description,
        )
    ] + [
        BulletinReport(REPORT_KINDS[r.kind][0], r.received_at, names.get(r.author_id, ""), casualties(r), r.description)
        for r in reports
    ]
    forwarded = incident.forwarded_at
    return render_bulletin(
        Bulletin(
            number=number(incident),
            org=f"{street.name}安全生产监督管理站",
            type_name=classification.named(incident.type),
            place=place,
            occurred_at=incident.occurred_at,
            received_at=incident.received_at,
            forwarded_at=forwarded,
            forward_minutes=round((forwarded - incident.received_at).total_seconds() / 60, 1) if forwarded else None,
            acknowledged_at=incident.acknowledged_at,
            state=STATES[incident.state][0],
            reports=chain,
            photos=_photos(incident, reports),
        )
    )


def _photos(incident: Incident, reports) -> list[Photo]:
    """The thumbnails the chain's reports cite, in the order cited (those not arrived are left out, as on the
    hazards' documents: the bulletin does not wait for them)."""
    ids = [*incident.photo_ids, *(p for r in reports for p in r.photo_ids)]
    jpegs = cited_thumbnails("incident", incident.id, ids).values()
    return [Photo(caption=f"现场照片{n}", jpeg=jpeg) for n, jpeg in enumerate(jpegs, start=1)]
