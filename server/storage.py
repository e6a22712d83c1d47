"""Where blobs live (photo originals, their copies, documents): one small interface, a local directory by
default, an S3-compatible bucket (STORAGE_URL) when more than one machine serves or works.

Everything above this module speaks in keys ("originals/ab/cdef…"), never in paths, so that either store
implements the same methods with the same promises.
"""

import base64
import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
import threading
from abc import ABC, abstractmethod
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from werkzeug.exceptions import ServiceUnavailable

from server.core.i18n import tr

log = logging.getLogger("safegrid.storage")

# Lower-case segments that never start with a dot: no "..", no hidden names, nothing outside the root.
KEY = re.compile(r"[a-z0-9_-][a-z0-9._-]*(/[a-z0-9_-][a-z0-9._-]*)*")
# S3's rules for a bucket name that also works as a host name (virtual-host addressing)
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# A blob opened from S3 up to this size is held in memory; a larger one (an original) spills to a temp file.
IN_MEMORY_BYTES = 2 * 1024 * 1024


class BlobNotFound(KeyError):
    """No blob is stored under this key."""


class StorageUnavailable(ServiceUnavailable):
    """The store did not answer, or refused (unreachable, timed out, access denied, no such bucket).

    An HTTP exception, so that a request meeting it anywhere answers 503 in the one error shape and the
    phone retries later, as when the database is down; in a job it is a failure like any other, which
    RQ retries.
    """

    def __init__(self, detail: str):
        super().__init__(description=detail)
        self.data = {
            "code": "storage_unavailable",
            "headers": {"Retry-After": "5"},
            "message": tr("文件存储暂不可用，请稍后重试", "File storage is unavailable; retry later"),
        }


class Storage(ABC):
    """Blobs by key. A blob is written whole or not at all, and never changes once written.

    `durable=False` on a write: for a blob that can be made again from durable ones (a photo's copies, from its
    original), the write does not wait for the disk. A crash of the process loses nothing; a crash of the machine
    may leave such a blob missing, empty or cut short (never another blob's bytes), so whoever reads one checks it
    against its hash and makes it again (photos.services.copy_bytes).
    """

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO, *, durable: bool = True) -> None:
        """Store `data` (bytes or a readable binary file) under `key`, replacing what was there."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable, seekable binary file of the blob; the caller closes it. Raises BlobNotFound."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob, if there is one."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The blob's length in bytes. Raises BlobNotFound."""

    def put_once(self, key: str, data: bytes | BinaryIO, *, durable: bool = True) -> None:
        """Store content-addressed data unless it is there: the same key always holds the same bytes."""
        if not self.exists(key):
            self.put(key, data, durable=durable)


class LocalStorage(Storage):
    """Blobs as files under a root directory (the embedded default: MEDIA_ROOT, instance/media)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key, data, *, durable=True):
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
                if durable:
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


class S3Storage(Storage):
    """Blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS, Huawei OBS),
    under an optional prefix: one store that every web instance and worker shares.

    A PUT is atomic in S3 (the object is replaced whole or not at all), so the promises are LocalStorage's.
    The client is boto3's, thread-safe and pooling its connections; its credentials come from boto3's own
    chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or the machine's role), never from here.
    """

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.conditional_writes = True  # until the store says it has no If-None-Match on PUT

    @classmethod
    def from_config(cls, config) -> "S3Storage":
        bucket, prefix = split_storage_url(config["STORAGE_URL"])
        return cls(
            s3_client(
                endpoint_url=config.get("S3_ENDPOINT_URL"),
                region=config.get("S3_REGION"),
                addressing=config.get("S3_ADDRESSING") or "auto",
            ),
            bucket,
            prefix,
        )

    def _object(self, key: str) -> str:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextmanager
    def _answering(self, key: str):
        """S3's failures in this module's terms: a missing object is BlobNotFound, anything else an outage."""
        try:
            yield
        except (ClientError, BotoCoreError) as exc:  # BotoCoreError: not reached, timed out, broken, no credentials
            if isinstance(exc, ClientError) and _status(exc) == 404 and _code(exc) != "NoSuchBucket":
                raise BlobNotFound(key) from None
            raise StorageUnavailable(f"s3://{self.bucket}/{self._object(key)}: {exc}") from exc

    def _upload(self, key: str, data: bytes | BinaryIO) -> dict:
        name = self._object(key)
        body = _whole(data)
        # Content-MD5: the store checks that the body arrived as sent, and refuses it (400 BadDigest) otherwise.
        md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        return {
            "Bucket": self.bucket,
            "Key": name,
            "Body": body,
            "ContentMD5": md5,
            "ContentType": "application/octet-stream",
        }

    def put(self, key, data, *, durable=True):  # an answered PUT is durable in S3: nothing to skip
        upload = self._upload(key, data)
        with self._answering(key):
            self.client.put_object(**upload)

    def put_once(self, key, data, *, durable=True):
        upload = self._upload(key, data)
        if self.conditional_writes and self._put_unless_there(key, upload):
            return
        # Two requests: a twin upload writing between them writes the same bytes.
        if not self.exists(key):
            with self._answering(key):
                self.client.put_object(**upload)

    def _put_unless_there(self, key: str, upload: dict) -> bool:
        """One request, PUT with If-None-Match: *, that stores the blob unless one is there: whether the store
        kept that promise. A store that refuses the header (501, or a 400), or answers 412 for a key it does not
        hold, is not asked again: put_once looks before it writes instead."""
        with self._answering(key):
            try:
                self.client.put_object(**upload, IfNoneMatch="*")
                return True
            except ClientError as exc:
                if _status(exc) not in (400, 412, 501):
                    raise
                refused = exc
        if _status(refused) == 412 and self.exists(key):
            return True  # there already: the same bytes, as the key is their hash
        log.warning(
            "s3://%s does not write conditionally (%s): looking before writing instead", self.bucket, _code(refused)
        )
        self.conditional_writes = False
        return False

    def open(self, key):
        with self._answering(key):
            answer = self.client.get_object(Bucket=self.bucket, Key=self._object(key))
            # Read whole before the caller sees a byte: a broken download is an error here, not a truncated
            # photo served with a 200; and the file seeks, as Pillow and a local file do.
            # the caller's to close: it is the answer
            file = io.BytesIO() if answer["ContentLength"] <= IN_MEMORY_BYTES else tempfile.TemporaryFile()  # noqa: SIM115
            body = answer[
                "Body"
            ]  # not `with body as …`: that hands out the raw stream, which does not check its length
            try:
                shutil.copyfileobj(body, file)
            except BaseException:
                file.close()
                raise
            finally:
                body.close()
        file.seek(0)
        return file

    def exists(self, key):
        try:
            self.size(key)
        except BlobNotFound:
            return False
        return True

    def delete(self, key):
        with self._answering(key):
            self.client.delete_object(Bucket=self.bucket, Key=self._object(key))  # 204 when there is none

    def size(self, key):
        with self._answering(key):
            return self.client.head_object(Bucket=self.bucket, Key=self._object(key))["ContentLength"]


def _whole(data: bytes | BinaryIO) -> bytes:
    """The bytes to store, read whole first: a stream that breaks fails before anything is sent.
    Blobs here are photos and documents, at most PHOTO_MAX_BYTES."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    return data.read()


def _status(exc) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _code(exc) -> str | None:
    return exc.response.get("Error", {}).get("Code")


def split_storage_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of s3://bucket[/prefix]; a ValueError says what is wrong with any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ValueError(f"must be s3://bucket[/prefix], not {url!r}")
    if parts.query or parts.fragment or "@" in parts.netloc or ":" in parts.netloc:
        raise ValueError(
            f"takes no credentials, port, query or fragment: {url!r} (credentials come from "
            "the AWS_ variables or the machine's role; the endpoint from S3_ENDPOINT_URL)"
        )
    if not BUCKET.fullmatch(parts.netloc) or ".." in parts.netloc:
        raise ValueError(
            f"{parts.netloc!r} is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)"
        )
    prefix = parts.path.strip("/")
    if prefix and not KEY.fullmatch(prefix):
        raise ValueError(f"the prefix {prefix!r} must be lower-case segments that do not start with a dot")
    return parts.netloc, prefix


def s3_client(*, endpoint_url: str | None = None, region: str | None = None, addressing: str = "auto"):
    """A boto3 S3 client for an S3-compatible store, with timeouts and retries fit for a request.

    Imported here, not at the top: the embedded default never pays for loading boto3.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        # Short enough that a store which is down fails a request (503) well within gunicorn's 30 s timeout,
        # even after the retries of a dropped connection or a 503 SlowDown (three attempts in all).
        connect_timeout=2,
        read_timeout=20,
        retries={"mode": "standard", "total_max_attempts": 3},
        s3={"addressing_style": addressing},
        # Checksums only where S3 requires them (we send Content-MD5 ourselves): the newer default, CRC32
        # sent as an aws-chunked trailer, is what several S3-compatible stores do not speak.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # A session of its own: boto3's default session is not safe to make clients from in several threads.
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


_making = threading.Lock()


def storage() -> Storage:
    """The app's storage, made on first use: the bucket of STORAGE_URL if set, else a local directory
    under MEDIA_ROOT (one machine only)."""
    app = current_app._get_current_object()
    store = app.extensions.get("storage")
    if store is None:
        with _making:  # one client per app, however many threads ask at once
            store = app.extensions.get("storage")
            if store is None:
                store = app.extensions["storage"] = (
                    S3Storage.from_config(app.config)
                    if app.config.get("STORAGE_URL")
                    else LocalStorage(app.config["MEDIA_ROOT"])
                )
    return store
