"""Faults injected into the production layout (two gunicorn instances, two job workers, PostgreSQL, a private Redis):
Redis stopped, flushed; workers killed with SIGKILL mid-job and mid-tick. Nothing a committed record needs is lost,
and the clocks keep firing whatever died."""

import subprocess
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from server.core.time import utcnow
from tests.production.client import Client, photo_bytes
from tests.production.layout import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.no_transaction, pytest.mark.postgres, pytest.mark.redis]


def scalar(layout, sql: str, **params):
    engine = layout.engine()
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def photos_ready(layout, ids) -> bool:
    return scalar(
        layout, "SELECT count(*) FROM photos WHERE state = 'ready' AND id = ANY(:ids)", ids=[uuid.UUID(i) for i in ids]
    ) == len(ids)


def documents_ready(layout, hazard_ids) -> bool:
    return scalar(
        layout,
        "SELECT count(*) FROM hazard_documents WHERE state = 'ready' AND hazard_id = ANY(:ids)",
        ids=[uuid.UUID(i) for i in hazard_ids],
    ) == len(hazard_ids)


def notice(station: Client, hazard_id: str):
    assert station.act(hazard_id, "acknowledge").status_code == 200
    issued = station.act(hazard_id, "issue_notice", responsible_party="测试单位")
    assert issued.status_code == 200, issued.text


def test_work_committed_while_redis_is_down_is_all_done_once_it_is_back(layout):
    grid, station = Client(layout.urls[0], "demo-grid"), Client(layout.urls[1], "demo-station")
    site = grid.first_site()
    layout.redis.stop()
    photos, hazards = [], []
    for n in range(12):  # accepted: the phones are told 201, as they must be
        photos.append(grid.upload(photo_bytes(n)))
        hazards.append(grid.report(site, [photos[-1]])["id"])
    for hazard_id in hazards[:4]:
        notice(station, hazard_id)  # each numbered now, its PDF a job
    assert not photos_ready(layout, photos[:1]) and not documents_ready(layout, hazards[:1])
    assert scalar(layout, "SELECT count(*) FROM pending_jobs WHERE dispatched_at IS NULL") == 16
    layout.redis.start()
    wait_for(
        lambda: photos_ready(layout, photos) and documents_ready(layout, hazards[:4]),
        60,
        what="every photo's copies and every notice's PDF after Redis came back",
    )
    assert scalar(layout, "SELECT count(*) FROM pending_jobs") == 0


def test_a_job_whose_worker_is_killed_mid_job_is_done_by_another(layout):
    folder = Path(tempfile.mkdtemp(prefix="safegrid-hold-"))
    layout.flask(
        "shell",
        input=(  # what a request does: record the job, commit, hand it over
            "from server import jobs\nfrom server.core.db import db\nfrom tests.production.slow_jobs import hold\n"
            f"jobs.later(hold, {str(folder)!r}); db.session.commit(); jobs.run_after_commit()\n"
        ),
    )
    started = wait_for(
        lambda: (folder / "started").exists() and (folder / "started").read_text(), 20, what="a worker starting the job"
    )
    [holder] = [worker for worker in layout.workers if worker.pid == int(started)]
    layout.kill(holder)
    done = wait_for(
        lambda: (folder / "done").exists() and (folder / "done").read_text(),
        30,
        what="another worker taking the job over",
    )
    assert int(done) != holder.pid
    layout.workers.remove(holder)
    layout.start_worker()


def make_due(layout, hazard_id: str):
    engine = layout.engine()
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE hazard_clocks SET due_at = :due WHERE hazard_id = :id"),
            {"due": utcnow() - timedelta(seconds=1), "id": uuid.UUID(hazard_id)},
        )
    engine.dispose()


def clocks_fired(layout, hazard_id: str) -> bool:
    return (
        scalar(
            layout,
            "SELECT count(*) FROM hazard_clocks WHERE hazard_id = :id AND fired_at IS NULL",
            id=uuid.UUID(hazard_id),
        )
        == 0
    )


@pytest.mark.parametrize("death", ["a worker killed", "Redis flushed", "Redis stopped", "every worker killed"])
def test_the_clocks_keep_firing_whatever_dies(layout, death):
    grid = Client(layout.urls[0], "demo-grid")
    if death == "a worker killed":
        layout.kill(layout.workers.pop(0))
    elif death == "Redis flushed":
        layout.redis.flush()
    elif death == "Redis stopped":
        layout.redis.stop()
    else:
        for worker in layout.workers:
            layout.kill(worker)
        layout.workers.clear()
    hazard = grid.report(grid.first_site(), [])
    make_due(layout, hazard["id"])
    # a round every second in the workers, every three in the web processes (MAINTENANCE_SECONDS=1)
    wait_for(lambda: clocks_fired(layout, hazard["id"]), 20, what=f"the due clocks firing with {death}")
    if death == "Redis stopped":
        layout.redis.start()
    while len(layout.workers) < 2:
        layout.start_worker()


def test_health_with_redis_stopped_is_a_503_that_says_when_to_ask_again(layout):
    layout.redis.stop()
    try:
        down = requests.get(f"{layout.urls[0]}/api/v1/health", timeout=10)
    finally:
        layout.redis.start()
    assert down.status_code == 503 and down.json()["code"] == "unavailable"
    assert "Redis" in down.json()["message"] and 0 < int(down.headers["Retry-After"]) <= 60
    wait_for(
        lambda: requests.get(f"{layout.urls[0]}/api/v1/health", timeout=10).status_code == 200,
        20,
        what="health answering again once Redis is back",
    )


def test_a_worker_outlives_a_redis_outage_and_works_after_it(layout):
    grid = Client(layout.urls[0], "demo-grid")
    layout.redis.stop()
    time.sleep(12)  # Redis gone for twelve seconds
    assert all(worker.poll() is None for worker in layout.workers), layout.log_tail()
    layout.redis.start()
    photo = grid.upload(photo_bytes(99))
    wait_for(lambda: photos_ready(layout, [photo]), 30, what="the copies made by the surviving workers")
    assert all(worker.poll() is None for worker in layout.workers)


def test_the_procfile_worker_stops_when_told(layout):
    worker = layout.start_worker()
    wait_for(lambda: worker.poll() is None, 5)
    worker.terminate()
    assert worker.wait(20) in (0, -15)
    layout.workers.remove(worker)
    with pytest.raises(subprocess.TimeoutExpired):  # the other workers are still there
        layout.workers[0].wait(0.1)
