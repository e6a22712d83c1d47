"""Uploading photos: real JPEG, PNG, WebP and HEIC files, turned the way their EXIF says, with their capture
time and place kept; idempotent on the phone's id, stored once by content, checked against the digest."""

import base64
import hashlib
import io
import uuid

import pytest
from PIL import Image

from tests.photos.conftest import as_image, blobs, digest, fetch, make_photo, post, put

FORMATS = {"JPEG": {}, "PNG": {}, "WEBP": {"quality": 90}, "HEIF": {"quality": 90}}
# EXIF orientation → where the stored top-left corner is seen: 3 turned half, 6 a quarter clockwise
TURNS = [(None, "top_left"), (3, "bottom_right"), (6, "top_right"), (8, "bottom_left")]


def corner(im, which: str):
    x = im.width // 12 if "left" in which else im.width - 1 - im.width // 12
    y = im.height // 12 if "top" in which else im.height - 1 - im.height // 12
    return im.getpixel((x, y))


def is_red(pixel) -> bool:
    return pixel[0] > 200 and pixel[1] < 60 and pixel[2] < 60


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_is_stored_with_its_metadata_and_served_as_jpeg_copies(login_as, media, fmt):
    caller = login_as("grid_worker")
    data = make_photo(fmt, orientation=6, **FORMATS[fmt])
    response = put(caller, data, content_type="application/octet-stream")
    assert response.status_code == 201, response.json
    photo = response.json
    assert photo["format"] == fmt and photo["state"] == "ready"
    assert (photo["width"], photo["height"]) == (300, 400)  # shown upright: a quarter turn
    assert photo["sha256"] == hashlib.sha256(data).hexdigest() and photo["byte_size"] == len(data)
    assert photo["taken_at"] == "2026-11-03T01:15:00+00:00"
    assert photo["latitude"] == pytest.approx(30.59, abs=1e-6) and photo["longitude"] == pytest.approx(114.27, abs=1e-6)
    assert photo["uploader_id"] == str(caller.user.id) and photo["duplicate_of"] is None and not photo["reused"]
    assert "original" not in photo["urls"]  # phones get the copies

    display = fetch(caller, photo["urls"]["display"])
    assert display.status_code == 200 and display.mimetype == "image/jpeg"
    shown = as_image(display.data)
    assert shown.format == "JPEG" and shown.size == (300, 400)
    assert is_red(corner(shown, "top_right")) and not is_red(corner(shown, "top_left"))
    thumb = as_image(fetch(caller, photo["urls"]["thumb"]).data)
    assert thumb.size == (240, 320) and is_red(corner(thumb, "top_right"))
    for served in (display.data, fetch(caller, photo["urls"]["thumb"]).data):
        assert b"Exif" not in served and b"GPS" not in served and not as_image(served).getexif()


@pytest.mark.parametrize("orientation,where", TURNS)
def test_the_exif_orientation_is_applied_to_the_pixels(login_as, orientation, where):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo("JPEG", orientation=orientation)).json
    shown = as_image(fetch(caller, photo["urls"]["display"]).data)
    assert shown.size == ((300, 400) if orientation in (6, 8) else (400, 300))
    assert is_red(corner(shown, where))
    assert sum(is_red(corner(shown, other)) for other in ("top_left", "top_right", "bottom_left", "bottom_right")) == 1


def test_a_large_photo_is_shrunk_to_1600_and_320_pixels(login_as):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo("JPEG", size=(4000, 3000), orientation=6, quality=70)).json
    assert (photo["width"], photo["height"]) == (3000, 4000)
    assert as_image(fetch(caller, photo["urls"]["display"]).data).size == (1200, 1600)
    assert as_image(fetch(caller, photo["urls"]["thumb"]).data).size == (240, 320)


def test_without_exif_there_is_no_capture_time_or_place(login_as):
    photo = put(login_as("grid_worker"), make_photo("PNG", metadata=False)).json
    assert photo["taken_at"] is None and photo["latitude"] is None and photo["longitude"] is None
    assert (photo["width"], photo["height"]) == (400, 300)


def test_sending_the_same_photo_again_stores_nothing_new(login_as, media):
    caller = login_as("grid_worker")
    data, photo_id = make_photo(), uuid.uuid4()
    first = put(caller, data, photo_id)
    again = put(caller, data, photo_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert len(blobs(media, "originals")) == 1 and len(blobs(media, "display")) == 1
    assert post(caller, data, photo_id).status_code == 200  # the form is the same upload


def test_the_same_id_with_other_bytes_is_a_conflict(login_as):
    caller = login_as("grid_worker")
    photo_id = uuid.uuid4()
    assert put(caller, make_photo(), photo_id).status_code == 201
    other = put(caller, make_photo(), photo_id)
    assert other.status_code == 409 and other.json["code"] == "id_conflict"
    assert "另一张" in other.json["message"]


def test_the_same_bytes_under_another_id_are_stored_once_and_flagged(login_as, media):
    caller = login_as("grid_worker")
    data = make_photo()
    first = put(caller, data).json
    assert first["reused"] is False and first["duplicate_of"] is None
    second = put(login_as("grid_worker"), data)
    assert second.status_code == 201 and second.json["sha256"] == first["sha256"]
    # re-used evidence is told, but not whose: the earlier photo is someone else's (test_citations.py)
    assert second.json["reused"] is True and second.json["duplicate_of"] is None
    assert len(blobs(media, "originals")) == 1
    third = put(caller, data).json
    assert third["reused"] is True and third["duplicate_of"] == first["id"]  # always the earliest, if one's own


def test_a_multipart_form_is_accepted_too(login_as):
    caller = login_as("grid_worker")
    data = make_photo("WEBP")
    response = post(caller, data, filename="IMG_0001.webp", content_type="image/webp")
    assert response.status_code == 201, response.json
    assert response.json["format"] == "WEBP" and response.json["state"] == "ready"


def test_repr_digest_is_accepted_as_well(login_as):
    data = make_photo()
    header = digest(data)["Content-Digest"]
    response = put(login_as("grid_worker"), data, headers={"Repr-Digest": f"sha-512=:AAAA:, {header}"})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "headers,code",
    [
        ({}, "digest_missing"),
        ({"Content-Digest": "sha-512=:AAAA:"}, "digest_missing"),
        ({"Content-Digest": "sha-256=:not base64!:"}, "digest_malformed"),
        ({"Content-Digest": "sha-256=:" + base64.b64encode(b"x" * 32).decode() + ":"}, "digest_mismatch"),
    ],
)
def test_the_digest_is_required_and_checked(login_as, media, headers, code):
    caller = login_as("grid_worker")
    photo_id = uuid.uuid4()
    response = put(caller, make_photo(), photo_id, headers=headers)
    assert response.status_code == 400 and response.json["code"] == code, response.json
    assert set(response.json) == {"code", "status", "message"}
    assert caller.get(f"/api/v1/photos/{photo_id}").status_code == 404 and not blobs(media, "originals")


def test_a_damaged_form_upload_says_so(login_as):
    caller = login_as("grid_worker")
    response = post(caller, make_photo(), sha256="0" * 64)
    assert response.status_code == 400 and response.json["code"] == "digest_mismatch"
    assert "损坏" in response.json["message"]
    english = caller.post(
        "/api/v1/photos",
        headers={"Accept-Language": "en"},
        content_type="multipart/form-data",
        data={"id": str(uuid.uuid4()), "sha256": "0" * 64, "file": (io.BytesIO(b"x"), "a.jpg")},
    )
    assert "damaged" in english.json["message"]


def test_a_form_without_its_fields_is_refused_field_by_field(login_as):
    response = login_as("grid_worker").post("/api/v1/photos", data={"id": "nope"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert set(response.json["errors"]["form_and_files"]) == {"id", "sha256", "file"}


def test_a_photo_over_the_size_cap_is_413(app, login_as, monkeypatch, media):
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 2000)
    caller = login_as("grid_worker")
    data = make_photo(size=(800, 600))
    assert len(data) > 2000
    for response in (put(caller, data), post(caller, data)):
        assert response.status_code == 413 and response.json["code"] == "payload_too_large"
    assert not blobs(media, "originals")


def test_photos_may_be_far_larger_than_the_json_limit(app, login_as):
    out = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((1600, 1200), 60)] * 3).save(out, "JPEG", quality=95)
    data = out.getvalue()
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    assert put(login_as("grid_worker"), data).status_code == 201


def test_a_body_that_is_not_declared_an_image_is_415(login_as):
    data = make_photo()
    response = put(login_as("grid_worker"), data, content_type="text/plain")
    assert response.status_code == 415 and "text/plain" in response.json["message"]


def test_only_a_signed_in_user_uploads(client):
    data = make_photo()
    response = client.put(f"/api/v1/photos/{uuid.uuid4()}", data=data, content_type="image/jpeg", headers=digest(data))
    assert response.status_code == 401


def test_a_form_part_without_a_readable_name_is_refused(login_as):
    response = login_as("grid_worker").post("/api/v1/photos", data={"\n": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "malformed_form"
