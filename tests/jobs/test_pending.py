"""Pending work: recorded with the transaction that needs it, handed over once it commits, tried again until it has
run; inline without Redis, through a real RQ worker with it, and never lost when Redis is not there."""

import uuid
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from server import jobs
from server.core.db import db
from server.core.time import utcnow
from server.jobs import queues
from server.jobs.models import PendingJob
from server.jobs.pending import LOST_AFTER

RAN: list = []


@jobs.job(timeout=30, retry=(10, 60))
def remember(word: str):
    """A job for the tests: notes that it ran, and with what."""
    RAN.append(word)


FAILURES = {"left": 0}


@jobs.job(timeout=30, retry=(10, 60))
def flaky(word: str):
    """Fails as many times as FAILURES says, then works."""
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("not now")
    RAN.append(word)


@pytest.fixture(autouse=True)
def clean():
    RAN.clear()
    FAILURES["left"] = 0
    queues.note_reachable()
    yield
    queues.note_reachable()


def rows():
    return db.session.scalars(select(PendingJob).order_by(PendingJob.created_at)).all()


def commit_asking(*work):
    """As a request does: record the jobs, commit, hand them over."""
    for func, arg in work:
        jobs.later(func, arg)
    db.session.commit()
    jobs.run_after_commit()


def work_redis():
    SimpleWorker([jobs.queue(name) for name in jobs.QUEUES], connection=jobs.redis_connection()).work(burst=True)


def test_without_redis_the_job_runs_once_its_transaction_commits_and_is_forgotten(app):
    with app.app_context():
        jobs.later(remember, "隐患")
        assert RAN == [] and len(rows()) == 1  # recorded, not run: nothing is committed yet
        db.session.commit()
        jobs.run_after_commit()
        assert RAN == ["隐患"] and rows() == []


def test_work_asked_in_a_transaction_that_rolls_back_never_runs(app, login_as):
    with app.app_context():
        jobs.later(remember, "撤销")
        db.session.rollback()
        jobs.discard_after_rollback()
        jobs.run_after_commit()
        assert RAN == [] and rows() == []


def test_the_same_work_asked_twice_is_recorded_once(app):
    with app.app_context():
        first, again = jobs.later(remember, "一"), jobs.later(remember, "一")
        other = jobs.later(remember, "二")
        assert first == again != other and len(rows()) == 2
        db.session.commit()
        jobs.run_after_commit()
        assert sorted(RAN) == ["一", "二"]


def test_a_failed_job_is_tried_again_when_its_wait_is_over_and_given_up_when_out_of_attempts(app):
    with app.app_context():
        FAILURES["left"] = 5
        commit_asking((flaky, "x"))
        (row,) = rows()
        assert row.attempts == 1 and row.state == "pending" and "not now" in row.last_error
        retry_at = row.not_before
        assert timedelta(seconds=9) < retry_at - utcnow() <= timedelta(seconds=10)
        assert jobs.sweep(retry_at - timedelta(seconds=1)) == 0  # not before its wait is over
        assert jobs.sweep(retry_at) == 1
        (row,) = rows()
        assert row.attempts == 2 and row.state == "pending"
        assert jobs.sweep(row.not_before) == 1
        (row,) = rows()
        assert row.attempts == 3 and row.state == "failed"  # three attempts: retry=(10, 60)
        assert jobs.sweep(utcnow() + timedelta(days=1)) == 0 and RAN == []
        # asked for again (a phone sending the photo again), it starts over
        FAILURES["left"] = 0
        commit_asking((flaky, "x"))
        assert RAN == ["x"] and rows() == []


def test_an_attempt_whose_process_died_is_taken_over_once_its_lease_runs_out(app):
    with app.app_context():
        jobs.later(remember, "被杀")
        db.session.commit()
        db.session.info.pop("pending_jobs")
        # a worker claimed it, then died with kill -9: the claim stays, nothing more happens
        row = rows()[0]
        row.attempts, row.lease_until = 1, utcnow() + timedelta(seconds=45)
        db.session.commit()
        assert jobs.sweep() == 0  # the lease still holds: it may be running
        row.lease_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert jobs.sweep() == 1
        assert RAN == ["被杀"] and rows() == []


def test_without_redis_work_whose_process_died_before_running_it_is_found(app):
    with app.app_context():
        jobs.later(remember, "断电")
        db.session.commit()
        db.session.info.pop("pending_jobs")  # the process died between the commit and the run
        assert jobs.sweep() == 0
        assert jobs.sweep(utcnow() + LOST_AFTER + timedelta(seconds=1)) == 1
        assert RAN == ["断电"]


@pytest.mark.redis
def test_with_redis_the_job_waits_for_a_worker(redis_app):
    with redis_app.app_context():
        commit_asking((remember, "排队"))
        (row,) = rows()
        assert row.dispatched_at is not None and RAN == []
        assert jobs.queue("default").count == 1
        work_redis()
        assert RAN == ["排队"] and rows() == []


@pytest.mark.redis
def test_with_redis_down_the_commit_stands_and_the_work_is_handed_over_when_it_is_back(redis_app):
    url = redis_app.config["REDIS_URL"]
    with redis_app.app_context():
        redis_app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there: Redis is down
        redis_app.extensions.pop("redis", None)
        commit_asking((remember, "停电"), (remember, "断网"))
        assert all(row.dispatched_at is None for row in rows()) and len(rows()) == 2
        assert jobs.sweep() == 0  # still down (and not asked again while it backs off)
        redis_app.config["REDIS_URL"] = url
        redis_app.extensions.pop("redis", None)
        queues.note_reachable()
        assert jobs.sweep() == 2
        work_redis()
        assert sorted(RAN) == ["停电", "断网"] and rows() == []


@pytest.mark.redis
def test_with_redis_flushed_a_lost_message_is_sent_again(redis_app):
    with redis_app.app_context():
        commit_asking((remember, "清空"))
        jobs.redis_connection().flushdb()  # Redis restarted without persistence
        assert jobs.sweep() == 0  # recently sent: it may just be waiting its turn
        assert jobs.sweep(utcnow() + LOST_AFTER + timedelta(seconds=1)) == 1
        work_redis()
        assert RAN == ["清空"] and rows() == []


@pytest.mark.redis
def test_with_redis_a_message_still_queued_is_not_sent_twice(redis_app):
    with redis_app.app_context():
        commit_asking((remember, "耐心"))
        assert jobs.sweep(utcnow() + LOST_AFTER + timedelta(seconds=1)) == 0
        assert jobs.queue("default").count == 1
        work_redis()
        assert RAN == ["耐心"]


@pytest.mark.redis
def test_a_message_for_work_already_done_does_nothing(redis_app):
    with redis_app.app_context():
        pending_id = jobs.later(remember, "一次")
        db.session.commit()
        jobs.run_after_commit()
        jobs.queue("default").enqueue(jobs.run, str(pending_id))  # a duplicate message
        work_redis()
        assert RAN == ["一次"] and jobs.run(str(uuid.uuid4())) == "not due"
