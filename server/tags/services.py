"""Issuing, revoking and resolving site tags, and printing them on label sheets."""

import uuid
from dataclasses import dataclass

from flask import current_app, has_request_context, request
from sqlalchemy import select

import qr.codes
import qr.labels
from server.areas.models import Area, path_ids
from server.core.db import db
from server.core.time import utcnow
from server.evidence import services as evidence
from server.sites.models import Site
from server.tags.models import SiteTag


def keyring() -> qr.codes.Keyring:
    """The app's signing keys, parsed once: the first signs new tags, all of them verify."""
    app = current_app._get_current_object()
    if "qr_keyring" not in app.extensions:
        app.extensions["qr_keyring"] = qr.codes.parse_keys(app.config["QR_SIGNING_KEYS"])
    return app.extensions["qr_keyring"]


def base_url() -> str:
    """Where tags point: the configured public address, else the address this request came to."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured
    if has_request_context():
        return request.url_root
    raise RuntimeError("PUBLIC_BASE_URL is not set: tags need the address phones will open")


def url_of(tag: SiteTag) -> str:
    return qr.codes.tag_url(base_url(), tag.code)


def live_tag(site_id: uuid.UUID) -> SiteTag | None:
    return db.session.scalars(select(SiteTag).where(SiteTag.site_id == site_id, SiteTag.revoked_at.is_(None))).first()


def revoke(tag: SiteTag, user_id: uuid.UUID | None, reason: str):
    tag.revoked_at, tag.revoked_by, tag.revoke_reason = utcnow(), user_id, reason
    db.session.flush()
    evidence.record(
        "site_tag",
        tag.serial,
        "revoke",
        actor_id=user_id,
        from_state="live",
        to_state="revoked",
        reason=reason,
        data={"site_id": str(tag.site_id), "code": tag.code},
    )


def issue(site_id: uuid.UUID, user_id: uuid.UUID | None) -> SiteTag:
    """A new tag for the site, signed with the current key; the site's live tag, if any, is revoked."""
    current = live_tag(site_id)
    if current is not None:
        revoke(current, user_id, "reissued")
    tag = signed_tag(site_id, user_id)
    evidence.record(
        "site_tag",
        tag.serial,
        "issue",
        actor_id=user_id,
        to_state="live",
        data={"site_id": str(site_id), "code": tag.code},
    )
    return tag


def signed_tag(site_id: uuid.UUID, user_id: uuid.UUID | None) -> SiteTag:
    """A new tag row for the site, its code signed with the current key (no check, no record: see issue)."""
    keys = keyring()
    tag = SiteTag(site_id=site_id, kid=keys.current, issued_by=user_id)
    db.session.add(tag)
    db.session.flush()  # the serial is the database's
    tag.code = qr.codes.sign(tag.serial, keys)
    db.session.flush()
    return tag


@dataclass
class Resolution:
    """What a scanned or typed code turned out to be: a live tag, or why not."""

    tag: SiteTag | None
    problem: str | None  # malformed | bad_signature | unknown_key | unknown_tag | revoked


def resolve(scanned: str) -> Resolution:
    """Resolve a typed code, or the whole URL a camera read off a tag."""
    try:
        code = qr.codes.code_from_url(scanned) if "/" in scanned else scanned
        signed = qr.codes.verify(code, keyring())
    except qr.codes.InvalidCode as exc:
        return Resolution(None, exc.reason)
    tag = db.session.get(SiteTag, signed.serial)
    if tag is None or tag.kid != signed.kid:
        return Resolution(None, "unknown_tag")
    if tag.revoked_at is not None:
        return Resolution(tag, "revoked")
    return Resolution(tag, None)


def labels_for(sites: list[Site], user_id: uuid.UUID | None) -> list[qr.labels.Label]:
    """A label per site, issuing a tag first for every site that has none."""
    areas = {area.id: area for area in db.session.scalars(select(Area))}  # a few hundred rows, read once
    live = {
        tag.site_id: tag
        for tag in db.session.scalars(
            select(SiteTag).where(SiteTag.site_id.in_([s.id for s in sites]), SiteTag.revoked_at.is_(None))
        )
    }
    labels = []
    for site in sites:
        tag = live.get(site.id) or issue(site.id, user_id)
        above = {areas[i].level: areas[i].name for i in path_ids(areas[site.grid_id].path)}
        labels.append(
            qr.labels.Label(
                site_name=site.name,
                code=tag.code,
                url=url_of(tag),
                street=above.get("street", ""),
                community=above.get("community", ""),
            )
        )
    return labels


def label_sheet(sites: list[Site], user_id: uuid.UUID | None, title: str | None = None) -> bytes:
    return qr.labels.label_sheet_pdf(labels_for(sites, user_id), title=title)
