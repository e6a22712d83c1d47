"""The local-directory storage: whole blobs by key, written atomically, never outside its root."""
import io

import pytest

from server.storage import BlobNotFound, LocalStorage


def test_a_blob_is_put_read_measured_and_deleted(tmp_path):
    store = LocalStorage(tmp_path)
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


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("the upload stream broke")

    store = LocalStorage(tmp_path)
    store.put("originals/ab/cdef", b"the first version")
    with pytest.raises(OSError):
        store.put("originals/ab/cdef", Broken())
    with store.open("originals/ab/cdef") as file:
        assert file.read() == b"the first version"
    assert [p.name for p in (tmp_path / "originals" / "ab").iterdir()] == ["cdef"]  # no temporary file left


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "originals/../../x", ".hidden", "a//b", "Upper/x", ""])
def test_keys_never_leave_the_root(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put(key, b"x")
