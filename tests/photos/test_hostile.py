"""Hostile uploads (tests/photos/hostile.py): each is refused with a clear 4xx in the one error shape, leaving no
record and no blob, or stored once and judged by its copies job (ready, or failed for bytes that are no picture).
What each costs the request is measured by bench/hostile_uploads.py, not here."""

import uuid

import pytest
from sqlalchemy import func, select

from server.core.db import db
from server.jobs.models import PendingJob
from server.photos import tasks
from tests.photos.conftest import blobs, digest, fetch, post, put
from tests.photos.hostile import BY_NAME, CORPUS


def test_the_corpus_is_large_and_covers_every_format_and_outcome():
    assert len(CORPUS) >= 40 and len(BY_NAME) == len(CORPUS)
    assert {h.name.split("-")[0] for h in CORPUS} >= {"jpeg", "png", "webp", "heic", "pdf", "zip", "empty"}
    assert {(h.status, h.outcome) for h in CORPUS if h.status == 201} == {(201, "ready"), (201, "failed")}


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda hostile: hostile.name)
def test_a_hostile_upload_is_refused_clearly_or_stored_and_judged_by_its_copies_job(login_as, media, hostile):
    caller = login_as("grid_worker")
    photo_id, data = uuid.uuid4(), hostile.data()
    response = put(caller, data, photo_id, content_type="application/octet-stream")
    assert response.status_code == hostile.status, response.json
    if hostile.status != 201:
        assert response.json["code"] == hostile.outcome and response.json["status"] == hostile.status
        assert set(response.json) == {"code", "status", "message"} and response.json["message"]
        assert caller.get(f"/api/v1/photos/{photo_id}").status_code == 404
        assert not blobs(media, "originals")
        return
    photo = response.json
    assert photo["state"] == hostile.outcome
    [original] = blobs(media, "originals")
    assert original.read_bytes() == data
    if hostile.outcome == "failed":
        assert photo["urls"] == {} and not blobs(media, "display") and not blobs(media, "thumb")
    else:
        assert fetch(caller, photo["urls"]["display"]).mimetype == "image/jpeg"


# Small files: werkzeug's test client spools a larger form to a temporary file it never closes
@pytest.mark.parametrize(
    "name", ["jpeg-300-app-segments", "png-bad-crc", "heic-5000-boxes", "jpeg-cut-before-eoi", "png-idat-not-zlib"]
)
def test_the_form_upload_answers_the_same(login_as, media, name):
    hostile = BY_NAME[name]
    response = post(login_as("grid_worker"), hostile.data(), content_type="application/octet-stream")
    assert response.status_code == hostile.status
    assert (response.json["code"] if hostile.status != 201 else response.json["state"]) == hostile.outcome


def test_a_refusal_says_what_is_wrong_in_the_callers_language(login_as):
    data = BY_NAME["jpeg-14mib-of-empty-comments"].data()
    english = put(login_as("grid_worker"), data, headers={**digest(data), "Accept-Language": "en"})
    assert english.json["message"] == (
        "The photo's structure is abnormal (JPEG: more than 256 segments); no camera writes such a file"
    )
    chinese = put(login_as("grid_worker"), BY_NAME["png-10mib-text-chunk"].data())
    assert chinese.json["message"] == "照片附带的元数据过多（PNG：附属数据块 超过 4 MiB）"


def test_a_jpeg_with_pictures_after_it_is_a_jpeg(login_as):
    caller = login_as("station_officer")
    photo = put(caller, BY_NAME["jpeg-with-a-second-picture-mpo"].data()).json
    assert photo["format"] == "JPEG" and (photo["width"], photo["height"]) == (800, 600)
    assert fetch(caller, photo["urls"]["original"]).mimetype == "image/jpeg"


def test_exif_after_a_pngs_image_data_is_read_without_decoding_it(login_as):
    photo = put(login_as("grid_worker"), BY_NAME["png-exif-after-the-image-data"].data()).json
    assert (photo["width"], photo["height"]) == (48, 64)  # 64×48, turned a quarter by its EXIF


@pytest.mark.parametrize("fault,pending", [("bytes", 0), ("moment", 1)])
def test_a_photo_that_cannot_be_decoded_is_failed_for_good_and_a_passing_fault_is_tried_again(
    app, login_as, monkeypatch, fault, pending
):
    if fault == "moment":  # the store, say, failing while the job ran
        monkeypatch.setattr(tasks, "make_copies", lambda *a, **k: (_ for _ in ()).throw(OSError("disk on fire")))
    photo = put(login_as("grid_worker"), BY_NAME["png-idat-not-zlib"].data()).json
    assert photo["state"] == "failed"
    with app.app_context():
        left = db.session.scalar(
            select(func.count())
            .select_from(PendingJob)
            .where(PendingJob.name == "server.photos.tasks:make_variants", PendingJob.state == "pending")
        )
    assert left == pending
