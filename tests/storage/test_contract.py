"""What every store promises, the local directory and the S3 bucket alike: whole blobs by key, written
whole or not at all, never changed by a second write of "the same" key, never outside the store's root."""

import io
import os

import pytest
from PIL import Image

from server.storage import IN_MEMORY_BYTES, BlobNotFound, LocalStorage
from tests.photos.conftest import make_photo


class Broken(io.RawIOBase):
    """An upload stream that breaks on its first read."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise OSError("the upload stream broke")


def test_a_blob_is_put_read_measured_and_deleted(store):
    store.put("originals/ab/cdef", b"photo bytes")
    store.put("display/ab/cdef", io.BytesIO(b"from a file"))
    assert store.exists("originals/ab/cdef") and store.size("originals/ab/cdef") == 11
    with store.open("display/ab/cdef") as file:
        assert file.read() == b"from a file"
    store.delete("originals/ab/cdef")
    store.delete("originals/ab/cdef")  # deleting what is gone is fine
    assert not store.exists("originals/ab/cdef")
    with pytest.raises(BlobNotFound):
        store.open("originals/ab/cdef")
    with pytest.raises(BlobNotFound):
        store.size("originals/ab/cdef")


@pytest.mark.parametrize("size", [0, 1000, IN_MEMORY_BYTES + 1], ids=["empty", "small", "large"])
def test_what_is_read_back_is_what_was_stored_byte_for_byte(store, size):
    data = os.urandom(size)
    store.put("originals/ab/blob", data)
    with store.open("originals/ab/blob") as file:
        assert file.read() == data and store.size("originals/ab/blob") == size


def test_an_opened_photo_seeks_as_pillow_needs(store):
    photo = make_photo()
    store.put("originals/ab/photo", photo)
    with store.open("originals/ab/photo") as file:
        file.seek(0, io.SEEK_END)
        assert file.tell() == len(photo)
        file.seek(0)
        with Image.open(file) as im:
            im.load()
            assert im.size == (400, 300)


def test_a_failed_write_leaves_the_blob_as_it_was(store):
    store.put("originals/ab/cdef", b"the first version")
    with pytest.raises(OSError):
        store.put("originals/ab/cdef", Broken())
    with pytest.raises(OSError):
        store.put_once("originals/ab/new", Broken())
    with store.open("originals/ab/cdef") as file:
        assert file.read() == b"the first version"
    assert not store.exists("originals/ab/new")


def test_put_once_never_replaces_a_stored_blob_with_other_bytes(store):
    store.put_once("originals/ab/cdef", b"the evidence")
    store.put_once("originals/ab/cdef", b"a forgery under the same key")
    with store.open("originals/ab/cdef") as file:
        assert file.read() == b"the evidence"


@pytest.mark.parametrize(
    "key",
    [
        "../escape",
        "/etc/passwd",
        "originals/../../x",
        ".hidden",
        "a//b",
        "Upper/x",
        "",
        "originals/ab/cdef/",
        "originals\\ab",
    ],
)
@pytest.mark.parametrize("operation", ["put", "put_once", "open", "exists", "size", "delete"])
def test_keys_never_leave_the_root(store, key, operation):
    arguments = (key, b"x") if operation.startswith("put") else (key,)
    with pytest.raises(ValueError):
        getattr(store, operation)(*arguments)


def test_a_local_write_leaves_no_temporary_file_behind(tmp_path):
    store = LocalStorage(tmp_path)
    store.put("originals/ab/cdef", b"the first version")
    with pytest.raises(OSError):
        store.put("originals/ab/cdef", Broken())
    assert [p.name for p in (tmp_path / "originals" / "ab").iterdir()] == ["cdef"]
