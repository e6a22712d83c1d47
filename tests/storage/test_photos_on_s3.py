"""Photos kept in an S3 bucket: uploaded, copied and served from it by any instance, none of them using its
own disk; a store that is down fails an upload cleanly (503, nothing stored) and the phone's retry succeeds."""

import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from server import PROJECT_ROOT
from server.auth.models import AuthToken
from server.core.db import db
from server.jobs.models import PendingJob
from server.people.models import RoleAssignment, User
from server.photos.models import Photo
from server.storage import S3Storage, s3_client
from tests.conftest import WORLD, issue_token, make_user
from tests.e2e import live
from tests.photos.conftest import digest, fetch, make_photo, put
from tests.storage.conftest import AWS_ENV, closed_port, objects


@pytest.fixture
def use_store(app):
    """use_store(store): the app keeps its blobs there for the test."""
    previous = app.extensions.get("storage")

    def use(store):
        app.extensions["storage"] = store
        return store

    yield use
    app.extensions["storage"] = previous


def copy_sha(photo: dict, copy: str) -> str:
    """A copy's SHA-256, as its content-addressed URL carries it (…/display/<sha256>.jpg)."""
    return photo["urls"][copy].rsplit("/", 1)[1].removesuffix(".jpg")


def down() -> S3Storage:
    """The app's own S3 client (timeouts, retries) pointed at a store that is down."""
    return S3Storage(s3_client(endpoint_url=f"http://127.0.0.1:{closed_port()}", addressing="path"), "safegrid-photos")


def test_an_upload_is_stored_copied_and_served_from_the_bucket(login_as, use_store, s3_store):
    store = use_store(s3_store)
    caller, data = login_as("station_officer"), make_photo()
    answer = put(caller, data)
    assert answer.status_code == 201 and answer.json["state"] == "ready", answer.json
    photo = answer.json
    display, thumb = copy_sha(photo, "display"), copy_sha(photo, "thumb")
    assert objects(store) == sorted(
        [
            f"originals/{photo['sha256'][:2]}/{photo['sha256'][2:]}",
            f"display/{display[:2]}/{display[2:]}",
            f"thumb/{thumb[:2]}/{thumb[2:]}",
        ]
    )
    for url, sha in (
        (photo["urls"]["display"], display),
        (photo["urls"]["thumb"], thumb),
        (photo["urls"]["original"], photo["sha256"]),
    ):
        served = fetch(caller, url)
        assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == sha
        assert served.content_length == len(served.data)
    assert fetch(caller, photo["urls"]["original"]).data == data


def test_an_upload_while_the_store_is_down_is_a_503_that_stores_nothing_and_the_retry_succeeds(
    app, login_as, use_store, s3_store
):
    caller, data, photo_id = login_as("grid_worker"), make_photo(), uuid.uuid4()
    use_store(down())
    refused = put(caller, data, photo_id, headers={**digest(data), "Accept-Language": "en"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert refused.json == {
        "code": "storage_unavailable",
        "status": 503,
        "message": "File storage is unavailable; retry later",
    }
    assert caller.get(f"/api/v1/photos/{photo_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Photo, photo_id) is None  # no row for a photo that is not stored

    use_store(s3_store)
    stored = put(caller, data, photo_id)  # the outbox sends it again
    assert stored.status_code == 201 and stored.json["state"] == "ready"


def test_a_photo_asked_for_while_the_store_is_down_is_a_503_not_a_500(login_as, use_store, s3_store):
    caller = login_as("station_officer")
    photo = put(caller, make_photo()).json
    use_store(down())
    for url in (photo["urls"]["display"], photo["urls"]["original"]):
        answer = fetch(caller, url)
        assert answer.status_code == 503 and answer.json["code"] == "storage_unavailable"


# ---- two instances, one database, one bucket -----------------------------------------------------------------


class Instance:
    """The app in gunicorn, as a second machine runs it: configured by its environment, with its own instance
    folder and its own empty MEDIA_ROOT, on the test run's database."""

    def __init__(self, folder: Path, env: dict):
        self.folder = folder
        folder.mkdir()
        port = closed_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / "gunicorn.log"
        spec = f"server:create_app({ {'INSTANCE_PATH': str(folder / 'instance')}!r})"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", spec],
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={"PATH": os.environ["PATH"], **env},
            )
        self._wait_until_up()

    def _wait_until_up(self):
        if not live.wait_until_healthy(self.url, self.process):
            self.stop()
            raise AssertionError(f"the second instance did not come up:\n{self.log.read_text()[-3000:]}")

    def call(self, method: str, path: str, token: str, data: bytes | None = None, headers=None) -> tuple[int, bytes]:
        """(status, body) of a request to this instance."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, answer.read()

    def stop(self):
        live.stop(self.process)


class InProcess:
    """The test app as the first instance, called as the second one is."""

    def __init__(self, client):
        self.client = client

    def call(self, method: str, path: str, token: str, data: bytes | None = None, headers=None) -> tuple[int, bytes]:
        answer = self.client.open(
            path,
            method=method,
            data=data,
            buffered=True,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )
        return answer.status_code, answer.data


def upload(instance, token: str, photo_id: uuid.UUID, data: bytes) -> dict:
    status, body = instance.call(
        "PUT", f"/api/v1/photos/{photo_id}", token, data, {"Content-Type": "image/jpeg", **digest(data)}
    )
    photo = json.loads(body)
    assert status == 201 and photo["state"] == "ready", photo
    return photo


def served(instance, token: str, photo_id: uuid.UUID) -> dict:
    """Display copy, thumbnail and original as an instance serves them, each checked against its SHA-256."""
    status, body = instance.call("GET", f"/api/v1/photos/{photo_id}", token)
    assert status == 200, body
    photo, files = json.loads(body), {}
    for name, sha in (
        ("display", copy_sha(photo, "display")),
        ("thumb", copy_sha(photo, "thumb")),
        ("original", photo["sha256"]),
    ):
        status, files[name] = instance.call("GET", photo["urls"][name], token)
        assert status == 200 and hashlib.sha256(files[name]).hexdigest() == sha, (name, status)
    return files


def files_under(root: Path) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def s3_configured(app, s3_endpoint, bucket, tmp_path):
    """The test app configured as a production instance would be: STORAGE_URL, and a MEDIA_ROOT of its own."""
    settings = {
        "STORAGE_URL": f"s3://{bucket}",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ADDRESSING": "path",
        "MEDIA_ROOT": str(tmp_path / "media-one"),
    }
    saved = {name: app.config.get(name) for name in settings}, app.extensions.pop("storage", None)
    app.config.update(settings)
    yield settings
    app.config.update(saved[0])
    app.extensions.pop("storage", None)
    if saved[1] is not None:
        app.extensions["storage"] = saved[1]


@pytest.mark.slow
@pytest.mark.no_transaction
def test_a_photo_uploaded_through_one_instance_is_served_by_the_other(
    app, client, database_url, s3_configured, tmp_path
):
    with app.app_context():
        officer = make_user("station_officer", area_id=WORLD["street_a"])
        token, user_id = issue_token(officer), officer.id
        db.session.commit()
    photo_ids = [uuid.uuid4(), uuid.uuid4()]
    second = Instance(
        tmp_path / "two",
        {
            **AWS_ENV,
            **s3_configured,
            "MEDIA_ROOT": str(tmp_path / "media-two"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": app.config["SECRET_KEY"],
        },
    )
    first = InProcess(client)
    try:
        for uploader, server, photo_id in ((first, second, photo_ids[0]), (second, first, photo_ids[1])):
            data = make_photo()
            upload(uploader, token, photo_id, data)
            by_the_other = served(server, token, photo_id)
            assert by_the_other["original"] == data and by_the_other == served(uploader, token, photo_id)
        assert files_under(tmp_path / "media-one") == [] and files_under(tmp_path / "media-two") == []
    finally:
        second.stop()
        forget(app, user_id, photo_ids)


def forget(app, user_id, photo_ids):
    """What the test committed for real, gone again: the world the other tests share is as it was."""
    with app.app_context():
        names = {str(photo_id) for photo_id in photo_ids}
        jobs = [job.id for job in db.session.scalars(select(PendingJob)) if set(map(str, job.args)) & names]
        db.session.execute(delete(PendingJob).where(PendingJob.id.in_(jobs)))
        db.session.execute(delete(Photo).where(Photo.id.in_(photo_ids)))
        db.session.execute(delete(AuthToken).where(AuthToken.user_id == user_id))
        db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user_id))
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()
