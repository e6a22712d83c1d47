"""Storage fixtures: an S3-protocol server of the run's own (moto's, on 127.0.0.1), a fresh bucket per
test, and each store under the one contract."""

import os
import secrets
import socket

import pytest
from moto.server import ThreadedMotoServer

from server.storage import LocalStorage, S3Storage, s3_client

# What boto3 reads besides the arguments given to it: credentials of the test's own, and nothing of the
# machine's (no ~/.aws profile, no instance metadata service asked for a role).
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "safegrid-test",
    "AWS_SECRET_ACCESS_KEY": "safegrid-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.fixture(scope="session", autouse=True)
def aws_environment():
    """Every client made in these tests finds the test's credentials at once, and looks nowhere else."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in AWS_ENV.items():
            env.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
            env.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free port of 127.0.0.1 for the whole run: the endpoint URL to give a client."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3(s3_endpoint):
    """A client as the app makes one, for the run (making one takes a tenth of a second)."""
    return s3_client(endpoint_url=s3_endpoint, addressing="path")


@pytest.fixture
def bucket(s3) -> str:
    """A new, empty bucket for one test."""
    name = f"safegrid-{secrets.token_hex(6)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_store(s3, bucket) -> S3Storage:
    """The S3 store as the app makes it, on the test's bucket."""
    return S3Storage(s3, bucket)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """Each store in turn, for the promises they share."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    return request.getfixturevalue("s3_store")


def objects(store: S3Storage) -> list[str]:
    """The object names in a store's bucket, as S3 lists them."""
    answer = store.client.list_objects_v2(Bucket=store.bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def closed_port() -> int:
    """A port of 127.0.0.1 with nothing listening on it: a store that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
