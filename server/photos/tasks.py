"""The variants job: a photo's display copy (1600 px) and thumbnail (320 px), made by the image pipeline
(photos/images.py) so that nothing of the original but the picture survives (no EXIF, XMP, comment, profile or
appended bytes): a clean phone JPEG by removing its metadata at the byte level, anything else re-encoded from its
pixels; and what the watermark says, from the photo's record."""

import hashlib
import logging
import uuid
from functools import partial

from flask import current_app
from sqlalchemy import select, update

from server.core.db import db
from server.jobs import job
from server.people.models import User
from server.photos import images
from server.photos.images import Undecodable
from server.photos.models import Photo, PhotoCitation, blob_key
from server.sites.models import Site
from server.storage import Storage, storage

log = logging.getLogger("safegrid.photos")


def make_copies(
    store: Storage,
    original_key: str,
    *,
    draft: bool = True,
    watermark=None,
    max_pixels: int | None = None,
    strip: bool = True,
) -> tuple[str, str]:
    """The pipeline: render an original's copies and store them by content; their SHA-256s. Stored without waiting
    for the disk (durable=False): the original is durable, and a copy a crash broke is made again when read
    (services.copy_bytes)."""
    with store.open(original_key) as file:
        copies = images.render(file, draft=draft, watermark=watermark, max_pixels=max_pixels, strip=strip)
    shas = []
    for kind, data in (("display", copies.display), ("thumb", copies.thumb)):
        sha = hashlib.sha256(data).hexdigest()
        store.put_once(blob_key(kind, sha), data, durable=False)
        shas.append(sha)
    return shas[0], shas[1]


def rendering(photo: Photo) -> dict:
    """How this photo's copies are rendered, by the job and when a broken one is made again: its watermark
    (PHOTO_WATERMARK) and the pixel bound."""
    mark = watermark_for(photo) if current_app.config["PHOTO_WATERMARK"] else None
    return {"watermark": mark, "max_pixels": current_app.config["PHOTO_MAX_PIXELS"]}


def remake_copies(photo: Photo) -> dict[str, bytes]:
    """A ready photo's copies made again from its original, as the job makes them, and stored for good (durable,
    replacing whatever a crash left under their keys): {copy: bytes}. Their SHA-256s are the photo's again, unless
    the pipeline now makes other bytes (another Pillow, the watermark switched): the photo then names the new ones
    (flushed; the caller commits)."""
    store = storage()
    with store.open(photo.original_key) as file:
        copies = images.render(file, **rendering(photo))
    made = {"display": copies.display, "thumb": copies.thumb}
    shas = {copy: hashlib.sha256(data).hexdigest() for copy, data in made.items()}
    for copy, data in made.items():
        store.put(blob_key(copy, shas[copy]), data)
    if (photo.display_sha256, photo.thumb_sha256) != (shas["display"], shas["thumb"]):
        log.warning("photo %s: its copies made again differ from those it had; it names the new ones", photo.id)
        photo.display_sha256, photo.thumb_sha256 = shas["display"], shas["thumb"]
        db.session.flush()
    return made


# Not durable (jobs.Job.durable): the copies are made again from the original, which is, if a crash loses the
# commit that said they were ready; the job's pending row is lost with it and runs the job again.
@job(timeout=60, durable=False)
def make_variants(photo_id: str) -> str:
    """The job: make a photo's copies. Takes the id; lets failures propagate, to be tried again, except bytes
    that cannot be decoded: the photo is then failed for good. No commit of a "processing" state first: it would
    cost a commit a photo for a state that now lasts milliseconds."""
    photo = db.session.get(Photo, uuid.UUID(photo_id))
    if photo is None:
        raise LookupError(f"photo {photo_id} is not stored")
    if photo.state == "ready":  # made by an earlier attempt (a job may run more than once)
        return photo.state
    try:
        photo.display_sha256, photo.thumb_sha256 = make_copies(storage(), photo.original_key, **rendering(photo))
        photo.state = "ready"
        db.session.commit()
    except Undecodable as exc:  # failed for good: its bytes would fail again (a new upload asks again)
        db.session.rollback()
        log.warning("photo %s cannot be decoded: %s", photo_id, exc)
        db.session.execute(update(Photo).where(Photo.id == photo.id).values(state="failed"))
        db.session.commit()
        return "failed"
    except Exception:
        db.session.rollback()
        db.session.execute(update(Photo).where(Photo.id == photo.id).values(state="failed"))
        db.session.commit()
        raise
    return photo.state


# ---- 水印照片: time, place and reporter on the display copy (PHOTO_WATERMARK) -------------------------


def watermark_for(photo: Photo):
    """What stamps this photo's display copy: the site of its first citation that grants it (not one by
    whoever cited its id), if any, and its reporter."""
    site = db.session.scalars(
        select(Site)
        .join(PhotoCitation, PhotoCitation.site_id == Site.id)
        .where(PhotoCitation.photo_id == photo.id, PhotoCitation.granting(photo))
        .order_by(PhotoCitation.created_at)
        .limit(1)
    ).first()
    latitude, longitude = photo.latitude, photo.longitude
    if latitude is None and site is not None:
        latitude, longitude = site.latitude, site.longitude
    font_path = images.cjk_font_path(current_app.config["PHOTO_WATERMARK_FONT"])
    lines = images.watermark_lines(
        taken_at=photo.taken_at,
        received_at=photo.received_at,
        latitude=latitude,
        longitude=longitude,
        site_name=site.name if site else None,
        reporter=db.session.get(User, photo.uploader_id).name,
        cjk=font_path is not None,
    )
    return partial(images.stamp, lines=lines, font_path=font_path)
