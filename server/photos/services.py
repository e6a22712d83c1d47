"""Receiving photos: the phone's digest checked, the type decided by the signature and checked by the structure
(no pixel decoded in the request but a clean phone JPEG's, for its copies, within caps), capture time and place
read from EXIF, stored once by content; the records citing them, what a citation grants, and what state a photo is
in for whoever asks."""

import base64
import binascii
import hashlib
import io
import logging
import math
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from flask import current_app
from PIL import ExifTags, Image
from sqlalchemy import select

from server.auth.scope import grants_for
from server.auth.services import Identity
from server.core.db import db
from server.core.errors import DomainError
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.jobs import later
from server.photos import images, queries, structure, tasks
from server.photos.images import FORMATS
from server.photos.models import Photo, PhotoCitation, blob_key
from server.storage import BlobNotFound, storage

log = logging.getLogger("safegrid.photos")

# What a body looks like: the allowed formats by their signatures, and the refused ones named in the message.
SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\xff\xd8", "JPEG"),
    (b"\x89PNG", "PNG"),
)
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
KINDS = {
    "PDF": ("PDF 文档", "a PDF document"),
    "ZIP": ("ZIP 压缩包", "a ZIP archive"),
    "GIF": ("GIF 图片", "a GIF image"),
    "BMP": ("BMP 图片", "a BMP image"),
    "TIFF": ("TIFF 图片", "a TIFF image"),
    "text": ("文本", "text"),
    "unknown": ("无法识别的数据", "unrecognised data"),
}
DIGEST = re.compile(r":([A-Za-z0-9+/]*={0,2}):")
OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
# What no phone's photo carries more of, in any format: EXIF within one JPEG APP1 segment (its thumbnail
# included), and a colour profile (a phone's is a few kilobytes; printers' run to a few hundred).
MAX_EXIF = 64 * 1024
MAX_ICC = 1024 * 1024
# A clean phone JPEG's copies are made in the upload's request (its metadata stripped at the byte level, the
# thumbnail from a 1/4 DCT-scaled decode: about 5 ms), so that it is ready when answered and costs no job.
# Bounded so that no upload makes the request decode much: what the phone sends is ~300 KB in 1 or ~10 scans;
# anything larger, with more scans, or not clean (photos/strip.py) goes to the copies job as before.
IN_REQUEST_MAX_BYTES = 1024 * 1024
IN_REQUEST_MAX_SCANS = 16


class PhotoRefused(DomainError):
    """A photo the server will not take: the status, a stable code and what to tell the phone (zh, en)."""

    def __init__(self, status: int, code: str, zh: str, en: str):
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en


# ---- what arrived --------------------------------------------------------------------------------------


def digest_from_header(value: str | None) -> str | None:
    """The SHA-256 in an RFC 9530 Content-Digest / Repr-Digest field, as hex; None when the field is absent."""
    if not value:
        return None
    for member in value.split(","):
        algorithm, _, item = member.strip().partition("=")
        if algorithm.strip().lower() != "sha-256":
            continue
        match = DIGEST.fullmatch(item.strip())
        try:
            digest = base64.b64decode(match[1], validate=True) if match else b""
        except binascii.Error:
            digest = b""
        if len(digest) != 32:
            raise PhotoRefused(
                400,
                "digest_malformed",
                "摘要头中的 sha-256 格式不正确，应为 sha-256=:<Base64>:",
                "The sha-256 in the digest field is malformed; expected sha-256=:<base64>:",
            )
        return digest.hex()
    raise PhotoRefused(
        400,
        "digest_missing",
        "摘要头中缺少 sha-256（只接受 SHA-256）",
        "The digest field carries no sha-256 (the only algorithm accepted)",
    )


def sniff(data: bytes) -> str:
    """What the bytes look like: a format name, "text" or "unknown"."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        return "HEIF" if data[8:12] in HEIF_BRANDS else "unknown"
    for magic, name in SIGNATURES:
        if data.startswith(magic):
            return name
    return "text" if all(byte >= 0x20 or byte in b"\t\r\n" for byte in data[:512]) else "unknown"


def too_many_pixels(max_pixels: int, size=None) -> PhotoRefused:
    zh, en = (f"{size[0]}×{size[1]}",) * 2 if size else ("远超上限", "far more")
    return PhotoRefused(
        422,
        "too_many_pixels",
        f"照片像素过多（{zh}），上限为 {max_pixels / 1e6:g} 百万像素",
        f"The photo has too many pixels ({en}); the limit is {max_pixels / 1e6:g} megapixels",
    )


def examine(data: bytes, max_pixels: int) -> dict:
    """What the photo is (format, size as shown, capture time and place), or why it is refused: not an allowed
    type (415), damaged, abnormal or too big (422). Its structure and header are read, no pixel is decoded:
    whatever the bytes, the request costs a walk over them (the copy job decodes, and marks what it cannot
    decode failed)."""
    if not data:
        raise PhotoRefused(400, "empty_body", "没有收到照片（请求体为空）", "No photo arrived (the body is empty)")
    kind = sniff(data)
    if kind not in FORMATS:
        zh, en = KINDS.get(kind, KINDS["unknown"])
        raise PhotoRefused(
            415,
            "unsupported_image_type",
            f"只接受 JPEG、PNG、WebP 或 HEIC 照片，收到的是{zh}",
            f"Only JPEG, PNG, WebP or HEIC photos are accepted; this is {en}",
        )
    try:
        late_exif = structure.check(kind, data)
    except structure.Malformed as malformed:
        raise PhotoRefused(422, malformed.code, malformed.zh, malformed.en) from None
    im = _header(kind, data, max_pixels)
    return metadata(kind, im.size, _exif(kind, im, late_exif))


def _header(kind: str, data: bytes, max_pixels: int) -> Image.Image:
    """The photo as Pillow opens it, reading its header only (bounded by the walk before it), within the pixel cap."""
    try:
        im = images.open_photo(io.BytesIO(data), kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own cap, far above ours; its warning is an error where warnings are (as in the tests)
        raise too_many_pixels(max_pixels) from None
    except Exception:  # whatever Pillow makes of bytes that passed the walk, they are not a photo we take
        raise damaged(kind) from None
    width, height = im.size
    if width * height > max_pixels:
        raise too_many_pixels(max_pixels, im.size)
    if not width or not height:  # a JPEG may leave its height to a DNL marker, which Pillow does not read
        raise damaged(kind)
    return im


def damaged(kind: str) -> PhotoRefused:
    return PhotoRefused(
        422,
        "damaged_image",
        f"照片不完整或已损坏，无法解码（{kind}）",
        f"The photo is truncated or damaged and cannot be decoded ({kind})",
    )


def _exif(kind: str, im: Image.Image, late_exif: bytes | None) -> Image.Exif:
    """The EXIF the phone wrote, parsed from its bytes: never through Image.getexif(), which for a PNG decodes
    the whole picture to look for EXIF after it (the walk has found that already). Its size, and the colour
    profile's, within what phones write: both are parsed (by Pillow, and by littlecms in the copy job)."""
    raw = im.info.get("exif") or late_exif or b""
    if len(raw.removeprefix(b"Exif\x00\x00")) > MAX_EXIF:
        raise PhotoRefused(
            422,
            "too_much_metadata",
            f"照片附带的元数据过多（{kind}：EXIF 超过 64 KiB）",
            f"The photo carries too much metadata ({kind}: EXIF over 64 KiB)",
        )
    if len(im.info.get("icc_profile") or b"") > MAX_ICC:
        raise PhotoRefused(
            422,
            "too_much_metadata",
            f"照片附带的元数据过多（{kind}：色彩配置文件超过 1 MiB）",
            f"The photo carries too much metadata ({kind}: colour profile over 1 MiB)",
        )
    exif = Image.Exif()
    try:
        if raw:
            exif.load(raw)
    except Exception:  # unreadable EXIF costs the metadata, never the photo
        log.info("unreadable EXIF in a %s photo", kind)
        exif = Image.Exif()
    return exif


def metadata(kind: str, size: tuple[int, int], exif: Image.Exif) -> dict:
    """Format, size as shown, and the capture time and place the phone wrote into EXIF, if it did."""
    width, height = size
    if exif.get(ExifTags.Base.Orientation) in (5, 6, 7, 8):  # turned a quarter: shown the other way round
        width, height = height, width
    found = {"format": kind, "width": width, "height": height, "taken_at": None, "latitude": None, "longitude": None}
    try:
        found["taken_at"] = taken_at(exif.get_ifd(ExifTags.IFD.Exif))
        found["latitude"], found["longitude"] = position(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # unreadable EXIF costs the metadata, never the photo
        log.info("unreadable EXIF in a %s photo", kind)
    return found


def taken_at(exif: dict) -> datetime | None:
    """DateTimeOriginal at OffsetTimeOriginal; without an offset, read as Asia/Shanghai (phones here)."""
    raw = exif.get(ExifTags.Base.DateTimeOriginal)
    try:
        # naive on purpose: EXIF's local time, given its zone below
        local = datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    offset = OFFSET.fullmatch(str(exif.get(ExifTags.Base.OffsetTimeOriginal, "")).strip("\x00 "))
    zone = SHANGHAI
    if offset and int(offset[2]) < 24 and int(offset[3]) < 60:
        zone = timezone((-1 if offset[1] == "-" else 1) * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    return local.replace(tzinfo=zone).astimezone(UTC)


def position(gps: dict) -> tuple[float | None, float | None]:
    """WGS-84 degrees from the GPS IFD; nothing for a missing, impossible or (0, 0) "no fix" position."""

    def degrees(dms, ref) -> float:
        value = sum(float(part) / 60**i for i, part in enumerate(dms))
        return -value if str(ref).strip("\x00 ").upper() in ("S", "W") else value

    try:
        lat = degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lng = degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lng) and abs(lat) <= 90 and abs(lng) <= 180) or lat == lng == 0:
        return None, None
    return round(lat, 7), round(lng, 7)


# ---- storing it ---------------------------------------------------------------------------------------


def receive(photo_id: uuid.UUID, data: bytes, sha256: str, *, uploader_id: uuid.UUID) -> tuple[Photo, bool]:
    """Store a photo under the phone's id, or find it stored: (photo, whether it is new).

    Raises PhotoRefused for a body that does not match the phone's SHA-256, an id taken (by someone else's
    photo, or by other bytes), and anything that is not a whole JPEG, PNG, WebP or HEIC image within the caps.
    """
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256.lower():
        raise PhotoRefused(
            400,
            "digest_mismatch",
            "照片在传输中损坏（SHA-256 不符），请重新上传",
            "The photo arrived damaged (its SHA-256 does not match); send it again",
        )
    stored, first = queries.stored_and_first_with_bytes(photo_id, actual)
    if stored:  # a retry: nothing is examined or stored again
        return _same_or_conflict(db.session.get(Photo, photo_id), actual, uploader_id), False
    found = examine(data, current_app.config["PHOTO_MAX_PIXELS"])
    copies = copies_in_request(found["format"], data)
    # the photo these bytes arrived as first, if any: the same evidence sent again is recorded as such
    photo = Photo(
        id=photo_id,
        sha256=actual,
        byte_size=len(data),
        uploader_id=uploader_id,
        duplicate_of=first,
        **found,
        **({"state": "ready", "display_sha256": copies.display, "thumb_sha256": copies.thumb} if copies else {}),
    )
    photo, created = queries.add_photo(photo, lambda stored: _same_or_conflict(stored, actual, uploader_id))
    if not created:
        return photo, False
    # Written after the row: a failed write rolls the row back with the request. A commit failing after
    # it leaves an unreferenced blob, which is harmless: keyed by content, never served, and reused by
    # the next upload of the same bytes.
    store = storage()
    store.put_once(photo.original_key, data)
    if copies:  # not waiting for the disk: made again from the original if a crash breaks them (copy_bytes)
        for key, blob in copies.blobs.items():
            store.put_once(key, blob, durable=False)
    return photo, True


def copy_bytes(photo: Photo, copy: str) -> bytes:
    """A ready photo's copy ("display" or "thumb"), checked against its SHA-256. Copies are stored without waiting
    for the disk (storage's durable=False), so a crash of the machine may leave one missing or cut short: such a
    copy is made again from the original, which is durable, and what is returned is always whole. The copy's bytes
    are the photo's own again, unless the pipeline changed meanwhile (tasks.remake_copies: the photo then names
    the new copies, and the caller commits)."""
    sha = photo.copy_sha256(copy)
    try:
        with storage().open(blob_key(copy, sha)) as file:
            data = file.read()
        if hashlib.sha256(data).hexdigest() == sha:
            return data
    except BlobNotFound:
        pass
    log.warning("photo %s: its %s copy is missing or broken; made again from the original", photo.id, copy)
    return tasks.remake_copies(photo)[copy]


class MadeCopies(NamedTuple):
    display: str  # the copies' SHA-256s
    thumb: str
    blobs: dict  # storage key → bytes


def copies_in_request(kind: str, data: bytes) -> MadeCopies | None:
    """A clean phone JPEG's copies, made now (see IN_REQUEST_MAX_BYTES). None for anything else, or with the
    watermark on (it names the citing record's site, which usually arrives after the photo): the copies job
    makes those."""
    if kind != "JPEG" or len(data) > IN_REQUEST_MAX_BYTES or current_app.config["PHOTO_WATERMARK"]:
        return None
    made = images.stripped(data, current_app.config["PHOTO_MAX_PIXELS"], max_scans=IN_REQUEST_MAX_SCANS)
    if made is None:
        return None
    display, thumb = hashlib.sha256(made.display).hexdigest(), hashlib.sha256(made.thumb).hexdigest()
    blobs = {blob_key("display", display): made.display, blob_key("thumb", thumb): made.thumb}
    return MadeCopies(display, thumb, blobs)


def _same_or_conflict(existing: Photo, sha256: str, uploader_id: uuid.UUID) -> Photo:
    """The photo stored under the id, if it is the uploader's own with these bytes. An id of someone else's
    photo is taken, whatever the bytes: nothing of that photo is told, not even whether they match."""
    if existing.uploader_id != uploader_id:
        raise PhotoRefused(
            409,
            "id_taken",
            "该照片编号已被占用，请以新的编号上传",
            "This photo id is taken; send the photo under a new id",
        )
    if existing.sha256 != sha256:
        raise PhotoRefused(
            409,
            "id_conflict",
            "该照片编号已用于另一张内容不同的照片",
            "This photo id belongs to a different photo (another SHA-256)",
        )
    return existing


def request_variants(photo_id: uuid.UUID) -> None:
    """Have the copies made: recorded as pending work in the upload's transaction, handed to a worker (or, in the
    embedded default, made inline) once it commits, and tried again until they exist (server.jobs)."""
    later(tasks.make_variants, str(photo_id))


# ---- records citing photos (called by the domains whose records carry photos) ----------------------------


def cite(
    photo_ids,
    *,
    author: Identity,
    record_type: str,
    record_id: uuid.UUID,
    site_id: uuid.UUID | None = None,
    grid_id: int,
) -> None:
    """Record that a record, made or changed by `author`, cites these photos, arrived or not.

    A citation grants a photo to whoever's scope covers its grid or site only when its author uploaded the
    photo, or vouched for it: the photo was stored and visible to the author when they cited it (decided in
    the insert itself, so no statement more on the report's path, and none of the photo's arrival to race).
    Citing someone else's photo id thus grants nothing, whenever that photo arrives; refusing the record
    instead would break the offline contract and tell which ids exist. Citing again adds nothing (the first
    citation stands).
    """
    cited = set(
        db.session.scalars(
            select(PhotoCitation.photo_id).where(
                PhotoCitation.record_type == record_type, PhotoCitation.record_id == record_id
            )
        )
    )
    cite_new_records([Citing(set(photo_ids) - cited, record_type, record_id, site_id, grid_id)], author=author)


def cite_new_record(
    photo_ids,
    *,
    author: Identity,
    record_type: str,
    record_id: uuid.UUID,
    site_id: uuid.UUID | None = None,
    grid_id: int,
) -> None:
    """`cite` for a record made in this transaction: nothing cites its photos yet, so nothing is looked for first
    (a report, the busiest write of all)."""
    cite_new_records([Citing(photo_ids, record_type, record_id, site_id, grid_id)], author=author)


class Citing(NamedTuple):
    """The photos a record made in this transaction cites, and where that record is."""

    photo_ids: list
    record_type: str
    record_id: uuid.UUID
    site_id: uuid.UUID | None
    grid_id: int


def cite_new_records(records: list[Citing], *, author: Identity) -> None:
    """cite_new_record for several records by one author (an inspection's hazards): one insert for all."""
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "photo_id": photo_id,
            "cited": photo_id,
            "record_type": record.record_type,
            "record_id": record.record_id,
            "site_id": record.site_id,
            "grid_id": record.grid_id,
            "created_at": now,
            "author_id": author.user_id,
        }
        for record in records
        for photo_id in sorted(set(record.photo_ids))
    ]
    if rows:
        queries.add_citations(rows, grants_for(author.roles, "photos.view"), author.user_id)


def photo_states(photo_ids, viewer: Identity) -> dict[uuid.UUID, str]:
    """Each photo's state as the viewer may know it: pending (not arrived, its copies not made yet, or not the
    viewer's to see: out of scope reads like not arrived), processing, ready or failed. One query for all."""
    ids = set(photo_ids)
    if not ids:
        return {}
    stored = queries.states(ids, Photo.scope_clause(grants_for(viewer.roles, "photos.view"), viewer.user_id))
    return {photo_id: stored.get(photo_id, "pending") for photo_id in ids}
