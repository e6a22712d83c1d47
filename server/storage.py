"""Where blobs live (photo originals and their copies): one small interface, a local directory by default.

Everything above this module speaks in keys ("originals/ab/cdef…"), never in paths, so that an
S3-compatible store can implement the same five methods for production.
"""
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from flask import current_app

# Lower-case segments that never start with a dot: no "..", no hidden names, nothing outside the root.
KEY = re.compile(r"[a-z0-9_-][a-z0-9._-]*(/[a-z0-9_-][a-z0-9._-]*)*")


class BlobNotFound(KeyError):
    """No blob is stored under this key."""


class Storage(ABC):
    """Blobs by key. A blob is written whole or not at all, and never changes once written."""

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO) -> None:
        """Store `data` (bytes or a readable binary file) under `key`, replacing what was there."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary file of the blob; the caller closes it. Raises BlobNotFound."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob, if there is one."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The blob's length in bytes. Raises BlobNotFound."""

    def put_once(self, key: str, data: bytes | BinaryIO) -> None:
        """Store content-addressed data unless it is there: the same key always holds the same bytes."""
        if not self.exists(key):
            self.put(key, data)


class LocalStorage(Storage):
    """Blobs as files under a root directory (the embedded default: MEDIA_ROOT, instance/media)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key, data):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final name and renamed into place: a reader sees the whole blob or none,
        # and a crash leaves only a dot-file that no key can name.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    file.write(data)
                else:
                    shutil.copyfileobj(data, file)
                file.flush()
                os.fsync(file.fileno())  # evidence: on disk before the database says it is stored
            os.replace(temp, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    def open(self, key):
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def exists(self, key):
        return self._path(key).is_file()

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def size(self, key):
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(key) from None


def storage() -> Storage:
    """The app's storage, made on first use: a local directory under MEDIA_ROOT by default."""
    app = current_app._get_current_object()
    store = app.extensions.get("storage")
    if store is None:
        store = app.extensions["storage"] = LocalStorage(app.config["MEDIA_ROOT"])
    return store
