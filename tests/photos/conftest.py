"""Photo fixtures: real images made in code (JPEG, PNG, WebP and HEIC, with EXIF orientation, capture time
and GPS set through Pillow's Exif API), a private media directory per test, and upload helpers."""

import base64
import hashlib
import io
import random
import uuid

import pytest
from PIL import ExifTags, Image, ImageDraw

from server.auth.services import identity_for_token
from server.core.db import db
from server.storage import LocalStorage
from tests.conftest import WORLD, Caller, issue_token, make_user

RED = (255, 0, 0)
TAKEN = "2026:11:03 09:15:00"  # with +08:00: 01:15 UTC
GPS = (30.59, 114.27)  # 30°35'24" N, 114°16'12" E


def scene(size=(400, 300)) -> Image.Image:
    """A picture with a red marker in its top-left corner (as stored) and a random patch that makes
    every photo's bytes different."""
    im = Image.new("RGB", size, (235, 235, 235))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, size[0] // 5, size[1] // 5), fill=RED)
    rng = random.Random()
    draw.rectangle(
        (size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2), fill=tuple(rng.randrange(40, 200) for _ in range(3))
    )
    return im


def dms(value: float) -> tuple[float, float, float]:
    minutes, seconds = divmod(round(value * 3600, 3), 60)
    degrees, minutes = divmod(minutes, 60)
    return float(degrees), float(minutes), float(seconds)


def exif(
    orientation: int | None = None,
    *,
    taken: str | None = TAKEN,
    offset: str | None = "+08:00",
    gps: tuple[float, float] | None = GPS,
) -> Image.Exif:
    data = Image.Exif()
    if orientation:
        data[ExifTags.Base.Orientation] = orientation
    details = data.get_ifd(ExifTags.IFD.Exif)
    if taken:
        details[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        where = data.get_ifd(ExifTags.IFD.GPSInfo)
        where[ExifTags.GPS.GPSLatitudeRef], where[ExifTags.GPS.GPSLatitude] = "N", dms(gps[0])
        where[ExifTags.GPS.GPSLongitudeRef], where[ExifTags.GPS.GPSLongitude] = "E", dms(gps[1])
    return data


def make_photo(fmt="JPEG", *, size=(400, 300), orientation=None, metadata=True, **options) -> bytes:
    """A real photo file in `fmt` (JPEG, PNG, WEBP or HEIF)."""
    out = io.BytesIO()
    if metadata:
        options["exif"] = exif(orientation).tobytes()
    scene(size).save(out, fmt, **options)
    return out.getvalue()


def digest(data: bytes) -> dict:
    return {"Content-Digest": f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode()}:"}


def put(caller, data: bytes, photo_id=None, *, headers=None, content_type="image/jpeg"):
    """Upload the raw body with its Content-Digest (unless headers say otherwise)."""
    photo_id = photo_id or uuid.uuid4()
    return caller.put(
        f"/api/v1/photos/{photo_id}",
        data=data,
        content_type=content_type,
        headers=digest(data) if headers is None else headers,
    )


def post(caller, data: bytes, photo_id=None, *, sha256=None, filename="photo.jpg", content_type="image/jpeg"):
    """Upload as a multipart form: id, sha256 and file."""
    form = {
        "id": str(photo_id or uuid.uuid4()),
        "sha256": sha256 or hashlib.sha256(data).hexdigest(),
        "file": (io.BytesIO(data), filename, content_type),
    }
    return caller.post("/api/v1/photos", data=form, content_type="multipart/form-data")


def fetch(caller, url: str, **headers):
    """GET a served file; buffered, so that the test client closes it as a server would."""
    return caller.get(url, headers=headers, buffered=True)


def as_image(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.fixture(autouse=True)
def media(app, tmp_path):
    """A private media directory for each test, so that what a test stores is all there is."""
    previous = app.extensions.get("storage")
    store = app.extensions["storage"] = LocalStorage(tmp_path / "media")
    yield store
    app.extensions["storage"] = previous


@pytest.fixture
def call_as(app, client):
    """call_as("grid_worker", "grid_a2") → a Caller with that role in that world area (or enterprise)."""

    def make(role, where, **scope):
        key = "enterprise_id" if role == "enterprise_user" else "area_id"
        with app.app_context():
            user = make_user(role, **{key: WORLD[where]}, **scope)
            token = issue_token(user)
            db.session.commit()
        return Caller(client, user, token)

    return make


def identity(app, caller):
    """The Identity behind a Caller, as a request would resolve it (for calling services as that user)."""
    with app.app_context():
        return identity_for_token(caller.token)


def blobs(store: LocalStorage, kind: str) -> list:
    """The blobs of one kind in a media directory (originals, display, thumb)."""
    root = store.root / kind
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
