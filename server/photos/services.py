"""Receiving photos: the phone's digest checked, the type decided by decoding, capture time and place read
from EXIF, stored once by content; the records citing them, and what state they are in."""
import base64
import binascii
import hashlib
import io
import logging
import math
import re
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import current_app
from PIL import ExifTags, Image
from sqlalchemy import bindparam, select

from server.core.db import add_once, among, db, insert_rows, stored
from server.jobs import enqueue
from server.photos import tasks
from server.photos.models import FORMATS, Photo, PhotoCitation
from server.storage import storage

log = logging.getLogger("safegrid.photos")

# What a refused body looked like, for the message (the decision itself is made by decoding).
SIGNATURES = ((b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP"), (b"GIF8", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"),
              (b"MM\x00*", "TIFF"), (b"\xff\xd8", "JPEG"), (b"\x89PNG", "PNG"))
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
KINDS = {"PDF": ("PDF 文档", "a PDF document"), "ZIP": ("ZIP 压缩包", "a ZIP archive"),
         "GIF": ("GIF 图片", "a GIF image"), "BMP": ("BMP 图片", "a BMP image"), "TIFF": ("TIFF 图片", "a TIFF image"),
         "text": ("文本", "text"), "unknown": ("无法识别的数据", "unrecognised data")}
DIGEST = re.compile(r":([A-Za-z0-9+/]*={0,2}):")
OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
# In entropy-coded data a marker is FF followed by anything but 00 (a stuffed FF) or D0-D7 (restarts).
# Searched in C: walking a photo byte by byte in Python cost 20 ms an upload.
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


class PhotoRefused(Exception):
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
            raise PhotoRefused(400, "digest_malformed", "摘要头中的 sha-256 格式不正确，应为 sha-256=:<Base64>:",
                               "The sha-256 in the digest field is malformed; expected sha-256=:<base64>:")
        return digest.hex()
    raise PhotoRefused(400, "digest_missing", "摘要头中缺少 sha-256（只接受 SHA-256）",
                       "The digest field carries no sha-256 (the only algorithm accepted)")


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
    return PhotoRefused(422, "too_many_pixels", f"照片像素过多（{zh}），上限为 {max_pixels / 1e6:g} 百万像素",
                        f"The photo has too many pixels ({en}); the limit is {max_pixels / 1e6:g} megapixels")


def decode(data: bytes, max_pixels: int) -> tuple[Image.Image, tuple[int, int]]:
    """Open the photo and check it whole, or refuse it: not an allowed type (415), damaged or too big (422).
    Returns the opened image and its size as stored (before any EXIF orientation)."""
    if not data:
        raise PhotoRefused(400, "empty_body", "没有收到照片（请求体为空）", "No photo arrived (the body is empty)")
    try:
        im = tasks.open_photo(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own cap, far above ours; its warning is an error where warnings are (as in the tests)
        raise too_many_pixels(max_pixels) from None
    except Exception:  # whatever Pillow makes of foreign bytes, they are not a photo we take
        kind = sniff(data)
        if kind in FORMATS:
            raise PhotoRefused(422, "damaged_image", f"照片已损坏，无法读取（{kind}）",
                               f"The photo is damaged and cannot be read ({kind})") from None
        zh, en = KINDS.get(kind, KINDS["unknown"])
        raise PhotoRefused(415, "unsupported_image_type", f"只接受 JPEG、PNG、WebP 或 HEIC 照片，收到的是{zh}",
                           f"Only JPEG, PNG, WebP or HEIC photos are accepted; this is {en}") from None
    size = im.size
    if size[0] * size[1] > max_pixels:  # before a single pixel is decoded
        raise too_many_pixels(max_pixels, size)
    if im.format == "JPEG":
        # Phones send JPEGs, and decoding one (even at 1/8 scale) was a third of an upload's time. Its
        # structure is checked instead, segment by segment to the end-of-image marker, which is what a
        # cut-off upload lacks; where libjpeg cannot decode what passes, the copy job marks it failed.
        if not jpeg_complete(data):
            raise damaged(im.format)
        return im, size
    try:
        im.load()
    except Exception:
        raise damaged(im.format) from None
    return im, size


def damaged(kind: str) -> PhotoRefused:
    return PhotoRefused(422, "damaged_image", f"照片不完整或已损坏，无法解码（{kind}）",
                        f"The photo is truncated or damaged and cannot be decoded ({kind})")


def jpeg_complete(data: bytes) -> bool:
    """Whether the JPEG's image data runs to its end-of-image marker. libjpeg forgives a file cut
    short after its last block (it supplies the marker itself), but an upload cut short is damaged."""
    position = 2  # after SOI
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xD9:  # EOI
            return True
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # fill byte, RSTn, TEM: no length
            position += 1 if marker == 0xFF else 2
            continue
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next marker (FF00 is a stuffed FF)
            found = NEXT_MARKER.search(data, position)
            if found is None:
                return False
            position = found.start()
    return False


def metadata(im: Image.Image, size: tuple[int, int]) -> dict:
    """Format, size as shown, and the capture time and place the phone wrote into EXIF, if it did."""
    width, height = size
    if tasks.orientation(im) in (5, 6, 7, 8):  # turned a quarter: shown the other way round
        width, height = height, width
    found = {"format": im.format, "width": width, "height": height,
             "taken_at": None, "latitude": None, "longitude": None}
    try:
        exif = im.getexif()
        found["taken_at"] = taken_at(exif.get_ifd(ExifTags.IFD.Exif))
        found["latitude"], found["longitude"] = position(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # unreadable EXIF costs the metadata, never the photo
        log.info("unreadable EXIF in a %s photo", im.format)
    return found


def taken_at(exif: dict) -> datetime | None:
    """DateTimeOriginal at OffsetTimeOriginal; without an offset, read as Asia/Shanghai (phones here)."""
    raw = exif.get(ExifTags.Base.DateTimeOriginal)
    try:
        local = datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = OFFSET.fullmatch(str(exif.get(ExifTags.Base.OffsetTimeOriginal, "")).strip("\x00 "))
    zone = tasks.SHANGHAI
    if offset and int(offset[2]) < 24 and int(offset[3]) < 60:
        zone = timezone((-1 if offset[1] == "-" else 1) * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


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

# The photo these bytes arrived as first, if any: the same evidence sent again is recorded as such.
_FIRST_WITH_BYTES = (select(Photo.id).where(Photo.sha256 == bindparam("sha256"))
                     .order_by(Photo.received_at, Photo.id).limit(1))


def receive(photo_id: uuid.UUID, data: bytes, sha256: str, *, uploader_id: uuid.UUID) -> tuple[Photo, bool]:
    """Store a photo under the phone's id, or find it stored: (photo, whether it is new).

    Raises PhotoRefused for a body that does not match the phone's SHA-256, an id taken by other
    bytes, and anything that is not a whole JPEG, PNG, WebP or HEIC image within the pixel cap.
    """
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256.lower():
        raise PhotoRefused(400, "digest_mismatch", "照片在传输中损坏（SHA-256 不符），请重新上传",
                           "The photo arrived damaged (its SHA-256 does not match); send it again")
    if stored(Photo, photo_id):  # a retry: nothing is decoded or stored again
        return _same_or_conflict(db.session.get(Photo, photo_id), actual), False
    im, size = decode(data, current_app.config["PHOTO_MAX_PIXELS"])
    first = db.fetch_hot(_FIRST_WITH_BYTES, {"sha256": actual})
    photo = Photo(id=photo_id, sha256=actual, byte_size=len(data), uploader_id=uploader_id,
                  duplicate_of=first[0].id if first else None, **metadata(im, size))
    photo, created = add_once(photo, lambda stored: _same_or_conflict(stored, actual))
    if not created:
        return photo, False
    # Written after the row: a failed write rolls the row back with the request. A commit failing after
    # it leaves an unreferenced blob, which is harmless: keyed by content, never served, and reused by
    # the next upload of the same bytes.
    storage().put_once(photo.original_key, data)
    return photo, True


def _same_or_conflict(existing: Photo, sha256: str) -> Photo:
    if existing.sha256 != sha256:
        raise PhotoRefused(409, "id_conflict", "该照片编号已用于另一张内容不同的照片",
                           "This photo id belongs to a different photo (another SHA-256)")
    return existing


def request_variants(photo_id: uuid.UUID) -> None:
    """Have the copies made: queued (RQ), or now, inline, in the embedded default.

    Called once the photo is committed, so that a worker finds it. Never undoes the upload: when
    this fails the photo stays stored, marked failed (inline) or pending (queue unreachable).
    """
    try:
        enqueue(tasks.make_variants, str(photo_id), job_timeout=120)
    except Exception:
        log.exception("the copies of photo %s were not made", photo_id)


# ---- records citing photos (called by the domains whose records carry photos) ----------------------------

def cite(photo_ids, *, record_type: str, record_id: uuid.UUID, site_id: uuid.UUID | None = None,
         grid_id: int, fresh: bool = False) -> None:
    """Record that a record cites these photos, arrived or not: whoever's scope covers the grid or site
    may then see them. Citing again adds nothing; `fresh`: the record is new, so nothing cites it yet."""
    cited = set() if fresh else set(db.session.scalars(select(PhotoCitation.photo_id).where(
        PhotoCitation.record_type == record_type, PhotoCitation.record_id == record_id)))
    insert_rows(PhotoCitation, [{"photo_id": photo_id, "record_type": record_type, "record_id": record_id,
                                 "site_id": site_id, "grid_id": grid_id}
                                for photo_id in sorted(set(photo_ids) - cited)])


def photo_states(photo_ids) -> dict[uuid.UUID, str]:
    """Each photo's state: pending (not arrived, or its copies not made yet), processing, ready or failed."""
    ids = set(photo_ids)
    found = db.fetch_hot(_states(db.session.get_bind().dialect.name), {"ids": sorted(ids)}) if ids else []
    stored = {row.id: row.state for row in found}
    return {photo_id: stored.get(photo_id, "pending") for photo_id in ids}


@lru_cache(maxsize=None)
def _states(dialect: str):
    return select(Photo.id, Photo.state).where(among(Photo.id, "ids", dialect))
