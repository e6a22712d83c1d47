"""Copies written without waiting for the disk: the original is on disk before the upload is answered, the copies
not (they are made again from it); a copy that a crash left missing, empty or cut short is never served as it is,
but made again from the original and served whole, and a document gets the whole thumbnail too."""

import hashlib
import os
import uuid

import pytest

from server.core.db import db
from server.hazards import documents
from server.photos import images
from server.photos.models import Photo
from tests.photos.conftest import as_image, blobs, fetch, make_photo, put
from tests.photos.test_copies import assert_no_metadata, phone_jpeg
from tests.photos.test_upload import corner, is_red

# What a crash of the machine may leave of a file written without fsync: nothing, nothing in it, a part of it
BREAKS = {
    "missing": lambda path: path.unlink(),
    "empty": lambda path: path.write_bytes(b""),
    "cut short": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "zeroes": lambda path: path.write_bytes(bytes(path.stat().st_size)),
}


def address_sha(photo: dict, copy: str) -> str:
    """The SHA-256 a copy's address names (…/<sha>.jpg)."""
    return photo["urls"][copy].rsplit("/", 1)[1].removesuffix(".jpg")


@pytest.fixture
def synced(monkeypatch):
    """The files fsync'd, by the kind of blob (originals, display, thumb) whose temp file they are."""
    seen, fsync = [], os.fsync

    def spy(fd):
        seen.append(os.readlink(f"/proc/self/fd/{fd}").split(os.sep)[-3])
        fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


@pytest.mark.parametrize(
    "photo", [phone_jpeg(), make_photo(orientation=6)], ids=["phone JPEG (copies in the request)", "turned (the job)"]
)
def test_the_original_is_on_disk_before_the_answer_and_its_copies_are_not_waited_for(login_as, synced, photo):
    answer = put(login_as("grid_worker"), photo)
    assert answer.status_code == 201 and answer.json["state"] == "ready"
    assert synced == ["originals"]


@pytest.mark.parametrize("copy", ["display", "thumb"])
@pytest.mark.parametrize("damage", list(BREAKS))
def test_a_copy_a_crash_broke_is_made_again_from_the_original_and_served_whole(login_as, media, copy, damage):
    caller = login_as("grid_worker")
    photo = put(caller, phone_jpeg()).json
    whole = fetch(caller, photo["urls"][copy]).data
    (path,) = blobs(media, copy)
    BREAKS[damage](path)
    served = fetch(caller, photo["urls"][copy])
    assert served.status_code == 200 and served.data == whole
    assert hashlib.sha256(served.data).hexdigest() == address_sha(photo, copy)
    assert_no_metadata(served.data)
    assert is_red(corner(as_image(served.data), "top_left"))
    assert path.read_bytes() == whole  # stored again: the next reader finds it whole


def test_a_turned_camera_photo_whose_copy_was_lost_is_made_again_upright(login_as, media):
    caller = login_as("grid_worker")
    photo = put(caller, make_photo(size=(400, 300), orientation=6)).json  # shown 300 × 400
    for path in blobs(media, "display"):
        path.unlink()
    served = as_image(fetch(caller, photo["urls"]["display"]).data)
    assert served.size == (300, 400) and is_red(corner(served, "top_right"))  # EXIF 6: the top-left turns right


def test_a_copy_made_again_as_other_bytes_is_not_served_under_the_old_address(app, login_as, media, monkeypatch):
    """After a pipeline change (another Pillow, the watermark switched) the copy made again differs: the old address
    answers 404, as for any copy that changed, and the photo gives the new one."""
    caller = login_as("grid_worker")
    photo = put(caller, phone_jpeg()).json
    for path in blobs(media, "thumb"):
        path.unlink()
    render = images.render

    def another_pillow(*args, **kwargs):
        made = render(*args, **kwargs)
        return made._replace(thumb=images.encode(as_image(made.thumb), {"quality": 60}))

    monkeypatch.setattr(images, "render", another_pillow)
    assert fetch(caller, photo["urls"]["thumb"]).status_code == 404
    again = caller.get(f"/api/v1/photos/{photo['id']}").json
    assert address_sha(again, "thumb") != address_sha(photo, "thumb")
    assert address_sha(again, "display") == address_sha(photo, "display")
    served = fetch(caller, again["urls"]["thumb"])
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == address_sha(again, "thumb")


def test_a_document_gets_the_whole_thumbnail_of_a_copy_a_crash_cut_short(app, login_as, media):
    caller = login_as("grid_worker")
    photo = put(caller, phone_jpeg()).json
    (path,) = blobs(media, "thumb")
    whole = path.read_bytes()
    path.write_bytes(whole[:100])
    with app.app_context():
        thumbnail = documents._thumbnail(db.session.get(Photo, uuid.UUID(photo["id"])))
    assert thumbnail == whole
