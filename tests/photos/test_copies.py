"""How the copies are made: a clean phone JPEG (upright, within 1600 px) by removing its metadata at the byte level,
anything else (turned by EXIF, too large, with a colour profile, odd in any way) decoded and encoded again; either
way the served copies carry no metadata, checked by walking their markers, and show the picture upright."""

import io
import uuid

import pytest
from PIL import Image, ImageCms
from sqlalchemy import text

from server.core.db import db
from server.photos import images, services, strip, tasks
from tests.photos.conftest import as_image, exif, fetch, make_photo, put, scene
from tests.photos.hostile import CORPUS, progressive_scans, segment
from tests.photos.test_upload import corner, is_red

XMP = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><tiff:Make>Phone</tiff:Make></x:xmpmeta>")
COMMENT = segment(0xFE, b"taken by someone's phone")
PHOTOSHOP = segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x00")
VENDOR = segment(0xEB, b"vendor data")
METADATA_MARKERS = {0xE1, 0xE2, 0xED, 0xFE} | set(range(0xE3, 0xEE)) | {0xEF}


def markers(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """A JPEG's segments up to its end-of-image marker, as (marker, body), and how many bytes follow it."""
    found, position = [], 2
    assert data.startswith(b"\xff\xd8")
    while True:
        assert data[position] == 0xFF, f"no marker at {position}"
        code = data[position + 1]
        if code == 0xD9:
            return found, len(data) - position - 2
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        found.append((code, data[position + 4 : end]))
        if code == 0xDA:  # past the entropy-coded data: to the next marker that is not a restart or stuffing
            end = strip.NEXT_MARKER.search(data, end).start()
        position = end


def assert_no_metadata(data: bytes):
    segments, after = markers(data)
    codes = {code for code, _ in segments}
    assert not codes & METADATA_MARKERS, sorted(hex(code) for code in codes & METADATA_MARKERS)
    assert after == 0  # nothing appended
    for code, body in segments:
        if code == 0xE0:
            assert body.startswith(b"JFIF\x00") and len(body) == 14  # no JFIF thumbnail
        if code == 0xEE:
            assert body.startswith(b"Adobe")
    im = as_image(data)
    assert not im.getexif() and not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & im.info.keys()


def phone_jpeg(size=(1600, 1200), *, progressive=False, extra=b"") -> bytes:
    """As the field app sends it: upright, within 1600 px, EXIF with time and place but no orientation, plus
    whatever other metadata `extra` adds after the start-of-image marker."""
    out = io.BytesIO()
    scene(size).save(out, "JPEG", quality=85, exif=exif().tobytes(), progressive=progressive)
    data = out.getvalue()
    return data[:2] + extra + data[2:]


def entropy_data(data: bytes) -> list[bytes]:
    """Each scan's header and entropy-coded data: the picture itself."""
    scans, position = [], 0
    while (position := data.find(b"\xff\xda", position)) >= 0:
        end = strip.NEXT_MARKER.search(data, position + 4 + int.from_bytes(data[position + 2 : position + 4], "big"))
        scans.append(data[position : end.start()])
        position = end.start()
    return scans


@pytest.fixture
def paths(monkeypatch):
    """The path each copies job took ("bytes" or "decoded"), in order."""
    taken, render = [], images.render

    def spy(*args, **kwargs):
        copies = render(*args, **kwargs)
        taken.append(copies.path)
        return copies

    monkeypatch.setattr(images, "render", spy)
    return taken


# ---- the byte-level path ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_clean_phone_jpeg_is_served_stripped_not_re_encoded(login_as, paths, progressive):
    data = phone_jpeg(progressive=progressive, extra=XMP + COMMENT + PHOTOSHOP + VENDOR)
    caller = login_as("grid_worker")
    photo = put(caller, data).json
    assert photo["state"] == "ready" and paths == []  # made in the request: no job ran
    assert photo["taken_at"] == "2026-11-03T01:15:00+00:00" and photo["latitude"]  # read from the original
    display = fetch(caller, photo["urls"]["display"]).data
    thumb = fetch(caller, photo["urls"]["thumb"]).data
    for served in (display, thumb):
        assert_no_metadata(served)
        assert b"Phone" not in served and b"someone" not in served and b"8BIM" not in served
    assert entropy_data(display) == entropy_data(data)  # the picture, bit for bit: no generation lost
    assert as_image(display).tobytes() == as_image(data).tobytes()
    assert as_image(display).size == (1600, 1200) and as_image(thumb).size == (320, 240)
    assert is_red(corner(as_image(display), "top_left")) and is_red(corner(as_image(thumb), "top_left"))


def test_a_clean_jpeg_too_large_for_the_request_is_stripped_by_the_job(login_as, paths, monkeypatch):
    monkeypatch.setattr(services, "IN_REQUEST_MAX_BYTES", 10_000)
    photo = put(login_as("grid_worker"), phone_jpeg(extra=XMP)).json
    assert photo["state"] == "ready" and paths == ["bytes"]


def test_a_progressive_jpeg_of_many_scans_is_left_to_the_job(app):
    data = progressive_scans(20, size=(400, 300))
    with app.app_context():
        assert services.copies_in_request("JPEG", data) is None
    assert images.render(io.BytesIO(data)).path == "bytes"  # clean all the same: the job strips it


def test_a_small_grey_photo_takes_the_byte_level_path_too():
    out = io.BytesIO()
    scene().convert("L").save(out, "JPEG", exif=exif().tobytes())
    copies = images.render(io.BytesIO(out.getvalue()))
    assert copies.path == "bytes" and as_image(copies.thumb).mode == "RGB"
    assert_no_metadata(copies.display)


def test_a_jfif_thumbnail_is_left_out():
    base = phone_jpeg(size=(400, 300))
    jfif_at = base.index(b"\xff\xe0")
    jfif = b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x02" + bytes(12)  # with a 2×2 RGB thumbnail
    length = int.from_bytes(base[jfif_at + 2 : jfif_at + 4], "big")
    data = base[:jfif_at] + segment(0xE0, jfif) + base[jfif_at + 2 + length :]
    copies = images.render(io.BytesIO(data))
    assert copies.path == "bytes"
    [body] = [body for code, body in markers(copies.display)[0] if code == 0xE0]
    assert body == b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00"  # version and density kept, no thumbnail


def test_an_adobe_segment_stays_so_that_an_rgb_jpeg_keeps_its_colours():
    out = io.BytesIO()
    # An RGB JPEG as some encoders write it: components not transformed, which only APP14 says
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, "JPEG", quality=95, keep_rgb=True)
    copies = images.render(io.BytesIO(out.getvalue()))
    assert copies.path == "bytes" and 0xEE in {code for code, _ in markers(copies.display)[0]}
    assert all(abs(a - b) <= 4 for a, b in zip(as_image(copies.display).getpixel((5, 5)), (10, 200, 30), strict=True))


def test_a_stripped_copy_that_does_not_verify_is_decoded_instead(monkeypatch):
    data = phone_jpeg(size=(400, 300), extra=COMMENT)
    monkeypatch.setattr(images, "clean_jpeg", lambda data, side: strip.Clean(data, 400, 300, 1))  # kept the comment
    copies = images.render(io.BytesIO(data))
    assert copies.path == "decoded"
    assert_no_metadata(copies.display)


# ---- the full path ---------------------------------------------------------------------------------------------


def test_a_rotated_camera_photo_is_decoded_and_served_upright(login_as, paths):
    caller = login_as("grid_worker")
    data = make_photo("JPEG", size=(4000, 3000), orientation=6, quality=80)
    photo = put(caller, data[:2] + XMP + COMMENT + data[2:]).json
    assert paths == ["decoded"]
    display = fetch(caller, photo["urls"]["display"]).data
    thumb = fetch(caller, photo["urls"]["thumb"]).data
    assert as_image(display).size == (1200, 1600) and as_image(thumb).size == (240, 320)
    assert is_red(corner(as_image(display), "top_right")) and is_red(corner(as_image(thumb), "top_right"))
    for served in (display, thumb):
        assert_no_metadata(served)


def odd(name: str) -> bytes:
    """JPEGs the byte-level path leaves to the full one."""
    small = phone_jpeg(size=(400, 300))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    made = io.BytesIO()
    if name == "turned-half":
        scene().save(made, "JPEG", exif=exif(3).tobytes())
    elif name == "over-1600":
        scene((1700, 1200)).save(made, "JPEG", exif=exif().tobytes())
    elif name == "colour-profile":
        scene().save(made, "JPEG", icc_profile=icc)
    elif name == "orientation-out-of-range":
        scene().save(made, "JPEG", exif=exif(9).tobytes())
    elif name == "cmyk":
        scene().convert("CMYK").save(made, "JPEG")
    else:
        return {
            "zip-appended": small + b"PK\x03\x04 appended",
            "fill-bytes": small[:2] + b"\xff\xff" + small[2:],
            "two-exif-segments": small[:2] + segment(0xE1, b"Exif\x00\x00" + exif().tobytes()) + small[2:],
            "odd-adobe-segment": small[:2] + segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01\x00\x00") + small[2:],
        }[name]
    return made.getvalue()


ODD = [
    "turned-half",
    "over-1600",
    "colour-profile",
    "cmyk",
    "zip-appended",
    "fill-bytes",
    "two-exif-segments",
    "orientation-out-of-range",
    "odd-adobe-segment",
]


@pytest.mark.parametrize("name", ODD)
def test_an_odd_jpeg_takes_the_full_path(name):
    data = odd(name)
    assert strip.clean_jpeg(data, images.DISPLAY_SIDE) is None
    copies = images.render(io.BytesIO(data))
    assert copies.path == "decoded"
    assert_no_metadata(copies.display)
    assert_no_metadata(copies.thumb)


def test_a_rotated_phone_sized_photo_is_turned(login_as, paths):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo("JPEG", orientation=8)).json
    assert paths == ["decoded"]
    assert is_red(corner(as_image(fetch(caller, photo["urls"]["display"]).data), "bottom_left"))


def test_with_the_watermark_the_display_copy_is_drawn_on_so_decoded(app, monkeypatch, login_as, paths):
    monkeypatch.setitem(app.config, "PHOTO_WATERMARK", True)
    put(login_as("grid_worker"), phone_jpeg(size=(800, 600)))
    assert paths == ["decoded"]


# ---- hostile files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [h for h in CORPUS if h.outcome == "ready" and h.data()[:2] == b"\xff\xd8"],
    ids=lambda hostile: hostile.name,
)
def test_a_hostile_jpeg_that_is_stored_is_served_without_metadata(login_as, hostile):
    caller = login_as("grid_worker")
    photo = put(caller, hostile.data(), uuid.uuid4()).json
    assert photo["state"] == "ready"
    for kind in ("display", "thumb"):
        assert_no_metadata(fetch(caller, photo["urls"][kind]).data)


# ---- the job -------------------------------------------------------------------------------------------------


def test_the_copies_job_commits_without_waiting_for_the_disk_and_nothing_else_does(app, login_as, monkeypatch):
    """make_variants is declared durable=False: its transactions run with synchronous_commit off (PostgreSQL)."""
    seen, make = [], tasks.make_copies

    def setting():
        if db.session.get_bind().dialect.name != "postgresql":
            return None  # SQLite has no such setting
        return db.session.scalar(text("SHOW synchronous_commit"))

    def spy(*args, **kwargs):
        seen.append(setting())
        return make(*args, **kwargs)

    monkeypatch.setattr(tasks, "make_copies", spy)
    caller = login_as("grid_worker")
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        # Before the job, as configured. (After it the tests' one connection keeps it: their commits are
        # savepoints, so SET LOCAL lasts until the test's transaction ends, where in production it ends with each.)
        assert setting() == ("on" if postgresql else None)
    photo = put(caller, make_photo(orientation=6)).json  # turned: its copies are the job's
    assert photo["state"] == "ready" and seen == ["off" if postgresql else None]
