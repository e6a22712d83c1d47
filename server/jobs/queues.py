"""Redis and its RQ queues: the messenger that tells a worker "run pending job <id>"; never the only copy."""

import time

from flask import current_app
from redis import Redis
from rq import Queue

# Queues in the order a worker takes them: a document someone waits for before the next photo copy.
QUEUES = ("documents", "default")
# Redis that did not answer is not asked again on every request for this long: the work waits in its row.
BACK_OFF_S = 5.0
_down_until = {"at": 0.0}


def enabled() -> bool:
    """Whether jobs go through Redis (REDIS_URL), or run inline in the process that asks (the embedded default)."""
    return bool(current_app.config["REDIS_URL"])


def redis_connection() -> Redis:
    """The app's Redis client, with timeouts: an unreachable Redis costs a request seconds at most, never hangs it."""
    app = current_app._get_current_object()
    connection = app.extensions.get("redis")
    if connection is None:
        connection = app.extensions["redis"] = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
    return connection


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=redis_connection())


def reachable() -> bool:
    """False for a while after Redis failed to answer, so that a request does not wait on it again and again."""
    return time.monotonic() >= _down_until["at"]


def note_unreachable():
    _down_until["at"] = time.monotonic() + BACK_OFF_S


def note_reachable():
    _down_until["at"] = 0.0
