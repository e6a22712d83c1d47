"""Background jobs: RQ on Redis in production, run inline in the request's process by default."""
import logging

from flask import current_app
from redis import Redis
from rq import Queue, Retry

log = logging.getLogger("safegrid.jobs")

DEFAULTS = {"job_timeout": 300, "failure_ttl": 7 * 24 * 3600, "retry": Retry(max=3, interval=[10, 60, 300])}


def redis_connection() -> Redis:
    app = current_app._get_current_object()
    conn = app.extensions.get("redis")
    if conn is None:
        conn = app.extensions["redis"] = Redis.from_url(app.config["REDIS_URL"])
    return conn


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=redis_connection())


def enqueue(func, *args, queue_name: str = "default", **options):
    """Run `func(*args)` as a job: jobs take ids, not ORM objects, and let exceptions propagate.

    Without REDIS_URL (the embedded default) the job runs now, inline, and its errors surface here.
    """
    if not current_app.config["REDIS_URL"]:
        log.debug("running %s inline", func.__name__)
        return func(*args)
    return queue(queue_name).enqueue(func, *args, **{**DEFAULTS, **options})


def after_commit(func, *args):
    """Run (inline) or queue (RQ) a job once the request's transaction has committed, so that it sees
    what the request wrote: `transactional` calls `run_after_commit()` right after its commit."""
    from server.core.db import db

    db.session.info.setdefault("after_commit", []).append((func, args))


def run_after_commit():
    from server.core.db import db

    for func, args in db.session.info.pop("after_commit", []):
        try:
            enqueue(func, *args)
        except Exception:  # committed work stands; a job that could not start is logged, and retried by hand
            log.exception("job %s%s could not be started", func.__name__, args)
