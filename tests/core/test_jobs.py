"""Jobs run inline by default and through a real RQ worker on Redis in production."""

from rq import SimpleWorker

from server import jobs


def count_words(text):
    """A job for the test: takes plain values, returns a result."""
    return len(text.split())


def test_without_redis_a_job_runs_inline(app):
    with app.app_context():
        assert app.config["REDIS_URL"] is None
        assert jobs.enqueue(count_words, "隐患 排查 治理") == 3


def test_with_redis_a_job_waits_for_a_worker_and_is_retried(redis_app):
    with redis_app.app_context():
        job = jobs.enqueue(count_words, "一 二 三 四")
        assert job.get_status() == "queued"
        assert job.retries_left == 3 and job.timeout == 300
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
        job.refresh()
        assert job.get_status() == "finished" and job.return_value() == 4
