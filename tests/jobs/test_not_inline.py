"""A job declared `inline=False` (work no request may wait for, such as posting to a push service outside the
district): without Redis it is not run at the request's commit, but by the next maintenance round's sweep."""

from sqlalchemy import select

from server import jobs
from server.core.db import db
from server.jobs.models import PendingJob

RAN: list = []


@jobs.job(timeout=30, retry=(10,), inline=False)
def post_elsewhere(word: str):
    """A job for the tests: notes that it ran, and with what."""
    RAN.append(word)


def test_without_redis_it_waits_for_the_next_sweep_not_the_commit(app):
    RAN.clear()
    with app.app_context():
        jobs.later(post_elsewhere, "推送")
        db.session.commit()
        jobs.run_after_commit()  # what the request's boundary does
        (row,) = db.session.scalars(select(PendingJob)).all()
        assert RAN == [] and row.dispatched_at is None and row.state == "pending"
        assert jobs.sweep() == 1
        assert RAN == ["推送"] and db.session.scalars(select(PendingJob)).all() == []
