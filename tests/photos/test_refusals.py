"""What is refused, and how: decompression bombs, damaged files and things that are not photos get a clear 4xx
and leave nothing behind; a JPEG/ZIP polyglot is a JPEG, whose served copies carry none of the ZIP."""

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from tests.photos.conftest import blobs, digest, fetch, make_photo, post, put


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, with a few rows of data: opened, it would decompress to GBs."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG with its frame header (SOF0) rewritten to claim another size."""
    data = bytearray(make_photo(metadata=False))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def blank_png(width: int, height: int) -> bytes:
    """A real, valid PNG of one colour: a few kilobytes that decode to many megapixels."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def refused(caller, media, response, status, code):
    assert response.status_code == status, response.json
    assert response.json["code"] == code and response.json["status"] == status
    assert set(response.json) == {"code", "status", "message"} and response.json["message"]
    assert not blobs(media, "originals")
    return response.json["message"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: png_claiming(60_000, 60_000),  # beyond twice Pillow's own cap: its DecompressionBombError
        lambda: jpeg_claiming(65_000, 65_000),
        lambda: blank_png(10_000, 9_500),  # 95 MP: Pillow's DecompressionBombWarning, an error here
        lambda: blank_png(8_000, 7_000),  # 56 MP: over our 50 MP cap only
    ],
    ids=["png-header-60000x60000", "jpeg-header-65000x65000", "png-95mp-warning", "png-56mp"],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(login_as, media, make):
    caller = login_as("grid_worker")
    data = make()
    assert len(data) < 1_000_000
    message = refused(caller, media, put(caller, data), 422, "too_many_pixels")
    assert "上限为 50 百万像素" in message


def test_the_pixel_cap_is_configurable_and_says_what_it_found(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_PIXELS", 150_000)
    caller = login_as("grid_worker")
    assert put(caller, make_photo(size=(500, 300))).status_code == 201
    data = make_photo(size=(500, 301))
    response = put(caller, data, headers={**digest(data), "Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json["message"] == "The photo has too many pixels (500×301); the limit is 0.15 megapixels"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_truncated_photo_is_refused_as_damaged(login_as, media, fmt):
    caller = login_as("grid_worker")
    data = make_photo(fmt, size=(800, 600))
    message = refused(caller, media, put(caller, data[: len(data) * 3 // 5]), 422, "damaged_image")
    assert "损坏" in message


def test_a_jpeg_missing_only_its_last_bytes_is_refused(login_as, media):
    caller = login_as("grid_worker")
    refused(caller, media, put(caller, make_photo()[:-2]), 422, "damaged_image")


def test_a_text_file_named_jpg_is_not_a_photo(login_as, media):
    caller = login_as("grid_worker")
    message = refused(
        caller,
        media,
        post(caller, "巡查记录：消防通道被占用\n".encode(), filename="IMG_0002.jpg"),
        415,
        "unsupported_image_type",
    )
    assert "收到的是文本" in message


def test_a_pdf_sent_as_image_jpeg_is_not_a_photo(login_as, media):
    caller = login_as("grid_worker")
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    message = refused(caller, media, put(caller, pdf, content_type="image/jpeg"), 415, "unsupported_image_type")
    assert "PDF" in message


@pytest.mark.parametrize("fmt,named", [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_other_image_formats_are_named_and_refused(login_as, media, fmt, named):
    caller = login_as("grid_worker")
    message = refused(caller, media, put(caller, make_photo(fmt, metadata=False)), 415, "unsupported_image_type")
    assert named in message


def test_noise_and_an_empty_body_are_refused(login_as, media):
    caller = login_as("grid_worker")
    assert "无法识别" in refused(caller, media, put(caller, bytes(range(256)) * 8), 415, "unsupported_image_type")
    refused(caller, media, put(caller, b""), 400, "empty_body")


def test_a_jpeg_zip_polyglot_is_a_jpeg_whose_copies_carry_none_of_the_zip(login_as, media):
    caller = login_as("station_officer")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.txt", "appended bytes that must never be served")
    data = make_photo(size=(800, 600), comment=b"a comment that must not be served") + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))
    response = put(caller, data)
    assert response.status_code == 201 and response.json["format"] == "JPEG"
    for copy in ("display", "thumb"):
        served = fetch(caller, response.json["urls"][copy]).data
        assert b"PK\x03\x04" not in served and b"payload" not in served and b"comment" not in served
        assert not zipfile.is_zipfile(io.BytesIO(served))
    assert fetch(caller, response.json["urls"]["original"]).data == data  # the original, byte for byte


@pytest.mark.parametrize("cut", [1, 2, 3, 5])
@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_cut_short_after_its_last_block_is_refused(login_as, media, cut, progressive):
    # libjpeg itself forgives a missing end-of-image marker; an upload cut short is still damaged.
    caller = login_as("grid_worker")
    data = make_photo(size=(640, 480), progressive=progressive)
    refused(caller, media, put(caller, data[:-cut]), 422, "damaged_image")
