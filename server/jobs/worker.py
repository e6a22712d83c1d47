"""The worker process (`flask jobs worker`): RQ's worker, kept alive through Redis outages, beside the maintenance
round that fires the clocks and sweeps pending work whether or not Redis answers."""

import logging
import signal
import threading

from flask import Flask
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker

from server.jobs import maintenance

log = logging.getLogger("safegrid.jobs")

MAX_WAIT_S = 5  # between two tries to reach Redis again: the work waits in its rows meanwhile
# A dead worker's registration in Redis expires this soon (RQ's default is seven minutes); its pending work is
# taken over by its rows' leases, not by this.
WORKER_TTL_S = 60


def run_worker(app: Flask, queue_names, *, burst: bool = False) -> None:
    """Work the queues until asked to stop (SIGTERM, SIGINT), or until they are empty with `burst`.

    RQ's own worker quits on some Redis errors (a timeout, an error while it heartbeats or cleans up); this loop
    waits for Redis and starts a new one, so the process the Procfile runs outlives any outage. Jobs run in this
    process (SimpleWorker): forking a work horse per job (re-importing Pillow's plugins, a new database connection
    each time) cost more than a photo's copies themselves.
    """
    stop = threading.Event()
    if not burst:
        maintenance.start(app, app.config["MAINTENANCE_SECONDS"])
    wait = 1.0
    while not stop.is_set():
        worker = None
        try:
            connection = Redis.from_url(
                app.config["REDIS_URL"], socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
            )
            connection.ping()
            worker = SimpleWorker(
                [Queue(name, connection=connection) for name in queue_names],
                connection=connection,
                worker_ttl=WORKER_TTL_S,
            )
            worker.max_connection_wait_time = MAX_WAIT_S  # RQ's own backoff, while it waits for a job, is 60 s
            wait = 1.0
            worker.work(burst=burst, with_scheduler=False, logging_level="INFO")
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            log.warning("Redis is unreachable (%s): trying again in %.0f s", exc, wait)
        if burst or (worker is not None and getattr(worker, "_stop_requested", False)):
            return
        # RQ's signal handlers are gone with its worker: a stop asked for while waiting must still be heard
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait(wait)
        wait = min(wait * 2, MAX_WAIT_S)
