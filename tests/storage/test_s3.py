"""The S3 store beyond the shared promises: its prefix, its conditional writes (and a store without them),
and a store that is down, misnamed or cut off mid-download, which is an outage (503), never a missing or
truncated blob."""

import http.server
import threading

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from server.storage import BlobNotFound, LocalStorage, S3Storage, StorageUnavailable, storage
from tests.storage.conftest import closed_port, objects

# Ways a store without conditional writes may answer a PUT with If-None-Match: *
REFUSALS = {
    "not implemented": (501, "NotImplemented"),
    "invalid argument": (400, "InvalidArgument"),
    "412 for a key it does not hold": (412, "PreconditionFailed"),
}


def test_blobs_live_under_the_prefix_and_two_prefixes_are_two_stores(s3, bucket):
    production, staging = S3Storage(s3, bucket, "safegrid/prod"), S3Storage(s3, bucket, "safegrid/staging")
    production.put("originals/ab/cdef", b"a photo")
    assert objects(production) == ["safegrid/prod/originals/ab/cdef"]
    assert not staging.exists("originals/ab/cdef")
    with pytest.raises(BlobNotFound):
        staging.open("originals/ab/cdef")


class Raw:
    """The body of a response made up by a test (what botocore reads from urllib3)."""

    def __init__(self, content: bytes):
        self.content = content

    def stream(self, **_):
        yield self.content


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_store_without_conditional_writes_still_never_replaces_a_stored_blob(s3_endpoint, bucket, refusal):
    status, code = REFUSALS[refusal]

    def refuse_conditional_writes(request, **_):
        if request.headers.get("If-None-Match"):
            error = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code></Error>".encode()
            return AWSResponse(request.url, status, {"Content-Type": "application/xml"}, Raw(error))
        return None

    client = boto3.session.Session().client("s3", endpoint_url=s3_endpoint)
    client.meta.events.register("before-send.s3.PutObject", refuse_conditional_writes)
    store = S3Storage(client, bucket)
    store.put_once("originals/ab/cdef", b"the evidence")  # refused as conditional, then looked for and written
    store.put_once("originals/ab/cdef", b"a forgery under the same key")
    with store.open("originals/ab/cdef") as file:
        assert file.read() == b"the evidence"
    assert not store.conditional_writes  # asked once, not at every write


def one_attempt(endpoint: str, bucket: str) -> S3Storage:
    """A store at `endpoint` whose client does not retry (the app's retries three times, with pauses)."""
    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}, connect_timeout=2)
    )
    return S3Storage(client, bucket)


OPERATIONS = [
    ("put", ("originals/ab/cdef", b"x")),
    ("put_once", ("originals/ab/cdef", b"x")),
    ("open", ("originals/ab/cdef",)),
    ("exists", ("originals/ab/cdef",)),
    ("size", ("originals/ab/cdef",)),
    ("delete", ("originals/ab/cdef",)),
]


@pytest.fixture(scope="module")
def down_store():
    return one_attempt(f"http://127.0.0.1:{closed_port()}", "safegrid-photos")


@pytest.mark.parametrize("operation,arguments", OPERATIONS, ids=[name for name, _ in OPERATIONS])
def test_a_store_that_is_down_is_an_outage_not_a_missing_blob(down_store, operation, arguments):
    with pytest.raises(StorageUnavailable) as raised:
        getattr(down_store, operation)(*arguments)
    assert raised.value.code == 503 and raised.value.data["code"] == "storage_unavailable"


@pytest.mark.parametrize(
    "operation,arguments",
    [("put", ("originals/ab/cdef", b"x")), ("put_once", ("originals/ab/cdef", b"x")), ("open", ("originals/ab/cdef",))],
)
def test_a_bucket_that_does_not_exist_is_an_outage_not_a_missing_blob(s3, operation, arguments):
    with pytest.raises(StorageUnavailable, match="NoSuchBucket"):
        getattr(S3Storage(s3, "safegrid-no-such-bucket"), operation)(*arguments)


class CutOff(http.server.BaseHTTPRequestHandler):
    """A store that promises 1000 bytes and hangs up after 10: a connection lost mid-download."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"\xff\xd8\xff\xe0 half")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def cut_off_store():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CutOff)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield one_attempt(f"http://127.0.0.1:{server.server_address[1]}", "safegrid-photos")
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_download_cut_off_midway_is_an_outage_never_a_truncated_blob(cut_off_store):
    with pytest.raises(StorageUnavailable):
        cut_off_store.open("originals/ab/cdef")


def test_the_app_uses_the_bucket_of_storage_url_and_the_media_root_without_one(app, s3_endpoint, bucket):
    saved = app.config.copy(), app.extensions.pop("storage", None)
    try:
        app.config.update(STORAGE_URL=f"s3://{bucket}/media", S3_ENDPOINT_URL=s3_endpoint, S3_ADDRESSING="path")
        with app.app_context():
            store = storage()
            assert isinstance(store, S3Storage) and storage() is store  # one client per app
            store.put("originals/ab/cdef", b"a photo")
            assert objects(store) == ["media/originals/ab/cdef"]
        app.extensions.pop("storage")
        app.config["STORAGE_URL"] = None
        with app.app_context():
            assert isinstance(storage(), LocalStorage) and str(storage().root) == app.config["MEDIA_ROOT"]
    finally:
        app.config.clear()
        app.config.update(saved[0])
        app.extensions.pop("storage", None)
        if saved[1] is not None:
            app.extensions["storage"] = saved[1]
