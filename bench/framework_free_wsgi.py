"""An experiment, not a product path: a hazard report's two requests doing the same database work as
SafeGrid's (the token lookup, the photo row and its file, the hazard with its citations, clocks and
notifications, the hash-chained event, the answer's photo states) in raw WSGI on psycopg, without
Flask, flask-smorest, marshmallow or the ORM; statements compiled once from the project's own models.

It answers one question for the reports benchmark: what does this data model cost on this machine
before any framework? `bench/hazard_reports.py --app bench.framework_free_wsgi:app` serves it with the
same gunicorn, load, RQ worker and durability checks. It reuses the domains' own statements (private
names of their queries modules, on purpose: the same SQL), checks little (a site in the reporter's grid,
the photo's digest and type) and answers a bare JSON: never serve it.
"""

import hashlib
import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import namedtuple_row
from redis import Redis
from rq import Queue
from sqlalchemy import create_engine, insert, true
from sqlalchemy.engine import make_url

from server.areas.models import path_ids
from server.auth.queries import _IDENTITY
from server.auth.services import token_digest
from server.core.db import _default, _hot, _is_stored
from server.evidence.models import Event
from server.evidence.queries import _APPEND_AND_MOVE, _LOCK_HEAD
from server.evidence.services import HASHED, link_hash
from server.hazards.models import Hazard, HazardClock
from server.hazards.queries import _placement
from server.models import import_all_models
from server.notifications.models import Notification
from server.notifications.queries import _STATION_OFFICERS
from server.photos import queries as photo_queries, services as photos, tasks
from server.photos.models import Photo, PhotoCitation, blob_key
from server.storage import LocalStorage

import_all_models()
URL = os.environ["DATABASE_URL"]
DIALECT = create_engine(URL).dialect  # for compiling only: connections are psycopg's own, one per process
STORE = LocalStorage(os.path.join(os.environ["BENCH_INSTANCE_PATH"], "media"))  # where the RQ worker looks
PLACE = _placement(true())  # any site: the reporter's grid is checked below
INSERT = {model: insert(model.__table__) for model in (Photo, Hazard, PhotoCitation, HazardClock, Notification)}
_process = {}


def connection() -> psycopg.Connection:
    """This worker process's connection and queue, made after gunicorn forked it."""
    if "db" not in _process:
        _process["db"] = psycopg.connect(make_url(URL).set(drivername="postgresql").render_as_string(False))
        _process["queue"] = Queue("default", connection=Redis.from_url(os.environ["REDIS_URL"]))
    return _process["db"]


def run(cursor, stmt, params: dict) -> list:
    hot = _hot(stmt, DIALECT)
    cursor.execute(hot.sql, hot.parameters(params))
    return cursor.fetchall() if cursor.description is not None else []


def run_many(cursor, stmt, rows: list[dict]):
    hot = _hot(stmt, DIALECT)
    cursor.executemany(hot.sql, [hot.parameters(row) for row in rows])


def row(model, values: dict) -> dict:
    return {c.key: values[c.key] if c.key in values else _default(c) for c in model.__table__.columns}


def caller(cursor, environ) -> list:
    token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[2]
    return run(cursor, _IDENTITY, {"digest": token_digest(token), "now": datetime.now(UTC)})


def answer(start, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def put_photo(environ, start, photo_id: uuid.UUID):
    conn = connection()
    data = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    with conn.cursor(row_factory=namedtuple_row) as cursor:
        who = caller(cursor, environ)
        sha = photos.digest_from_header(environ.get("HTTP_CONTENT_DIGEST"))
        if not who or hashlib.sha256(data).hexdigest() != sha or run(cursor, _is_stored(Photo), {"id": photo_id}):
            conn.rollback()
            return answer(start, "400 Bad Request", {"id": str(photo_id)})
        found = photos.examine(data, 50_000_000)
        first = run(cursor, photo_queries._FIRST_WITH_BYTES, {"sha256": sha})
        stored = row(
            Photo,
            {
                "id": photo_id,
                "sha256": sha,
                "byte_size": len(data),
                "uploader_id": who[0].user_id,
                "duplicate_of": first[0].id if first else None,
                **found,
            },
        )
        run(cursor, INSERT[Photo], stored)
        STORE.put_once(blob_key("originals", sha), data)
    conn.commit()
    _process["queue"].enqueue(tasks.make_variants, str(photo_id), job_timeout=60, failure_ttl=7 * 24 * 3600)
    return answer(start, "201 Created", {k: stored[k] for k in ("id", "sha256", "state", "width", "height")})


def post_hazard(environ, start):
    conn = connection()
    body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
    hazard_id, photo_ids, now = uuid.UUID(body["id"]), sorted(body["photo_ids"]), datetime.now(UTC)
    with conn.cursor(row_factory=namedtuple_row) as cursor:
        who = caller(cursor, environ)
        if run(cursor, _is_stored(Hazard), {"id": hazard_id}):
            conn.rollback()
            return answer(start, "200 OK", {"id": body["id"]})
        place = run(cursor, PLACE, {"site_id": uuid.UUID(body["site_id"])})
        if not who or not place or not any(r.path and place[0].path.startswith(r.path) for r in who):
            conn.rollback()
            return answer(start, "422 Unprocessable Entity", {"id": body["id"]})
        place = place[0]
        hazard = row(
            Hazard,
            {
                "id": hazard_id,
                "site_id": place.id,
                "grid_id": place.grid_id,
                "street_id": path_ids(place.path)[1],
                "enterprise_id": place.enterprise_id,
                "sector": place.sector,
                "category": body["category"],
                "level": body["level"],
                "description": body["description"],
                "source": "patrol",
                "photo_ids": photo_ids,
                "reporter_id": who[0].user_id,
                "observed_at": datetime.fromisoformat(body["observed_at"]),
                "latitude": body["latitude"],
                "longitude": body["longitude"],
                "accuracy_m": body["accuracy_m"],
                "received_at": now,
                "ack_due_at": now + timedelta(minutes=30),
            },
        )
        run(cursor, INSERT[Hazard], hazard)
        run_many(
            cursor,
            INSERT[PhotoCitation],
            [
                row(
                    PhotoCitation,
                    {
                        "photo_id": uuid.UUID(p),
                        "record_type": "hazard",
                        "record_id": hazard_id,
                        "site_id": place.id,
                        "grid_id": place.grid_id,
                        "author_id": who[0].user_id,
                    },
                )
                for p in photo_ids
            ],
        )
        run_many(
            cursor,
            INSERT[HazardClock],
            [
                row(HazardClock, {"hazard_id": hazard_id, "kind": kind, "due_at": now + timedelta(minutes=minutes)})
                for kind, minutes in (("ack_warning", 20), ("ack_escalation", 30))
            ],
        )
        officers = run(cursor, _STATION_OFFICERS, {"street_id": hazard["street_id"]})
        run_many(
            cursor,
            INSERT[Notification],
            [
                row(
                    Notification,
                    {
                        "user_id": o.user_id,
                        "key": f"new_report:{hazard_id}:",
                        "kind": "new_report",
                        "hazard_id": hazard_id,
                    },
                )
                for o in sorted(officers)
            ],
        )
        seq, prev_hash = run(cursor, _LOCK_HEAD, {})[0]
        event = Event(
            seq=seq + 1,
            record_type="hazard",
            record_id=str(hazard_id),
            action="report",
            from_state=None,
            to_state="reported",
            actor_id=who[0].user_id,
            at=datetime.now(UTC),
            reason="",
            attachments=photo_ids,
            client_id=f"report:{hazard_id}",
            prev_hash=prev_hash,
            data={"category": body["category"], "level": body["level"], "site_id": str(place.id)},
        )
        event.hash = link_hash(event)
        run(
            cursor,
            _APPEND_AND_MOVE,
            {
                **{name: getattr(event, name) for name in HASHED + ("hash",)},
                "new_seq": event.seq,
                "new_hash": event.hash,
            },
        )
        states = run(cursor, photo_queries._states("postgresql", true()), {"ids": [uuid.UUID(p) for p in photo_ids]})
    conn.commit()
    return answer(start, "201 Created", {**hazard, "photos": [{"id": s.id, "state": s.state} for s in states]})


def app(environ, start):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if method == "PUT" and path.startswith("/api/v1/photos/"):
        return put_photo(environ, start, uuid.UUID(path.rsplit("/", 1)[1]))
    if method == "POST" and path == "/api/v1/hazards":
        return post_hazard(environ, start)
    if method == "PUT":  # the benchmark's baseline, as bench/hello_wsgi.py's: the body read and its SHA-256 taken
        hashlib.sha256(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))).hexdigest()
        return answer(start, "201 Created", {})
    if method == "POST":  # and the JSON parsed
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        return answer(start, "201 Created", {"id": json.loads(body)["id"]})
    return answer(start, "200 OK", {"hello": "world"})
