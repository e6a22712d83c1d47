"""The statements run through the driver (core.db.fetch_hot, write_hot) fail as SQLAlchemy's do: a broken
constraint is the same error the app answers with a 409, and a lost connection is replaced, not reused."""

import os

import pytest
from sqlalchemy import func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from server.core.db import db
from server.hazards.models import HazardCategory

BACKEND = select(func.pg_backend_pid())
ONE = select(literal(1))


def test_a_constraint_broken_through_the_driver_raises_what_the_app_answers_with_409(app):
    with app.app_context():
        taken = {
            "code": db.session.scalars(select(HazardCategory.code)).first(),
            "name_zh": "火",
            "name_en": "Fire",
            "active": True,
            "position": 0,
        }
        with pytest.raises(IntegrityError):
            db.write_hot(insert(HazardCategory.__table__), [taken])
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.fetch_hot(insert(HazardCategory.__table__).returning(HazardCategory.code), taken)
        db.session.rollback()


@pytest.mark.no_transaction
def test_a_connection_lost_under_the_driver_fails_its_request_and_the_next_gets_a_new_one(app):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("a connection to kill needs PostgreSQL: the PostgreSQL leg runs this")
    with app.test_request_context(method="POST"):  # a write: the transactional pool
        pid = db.fetch_hot(BACKEND, {})[0][0]
        with db.engine.connect() as other:  # as a database restart would
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        with pytest.raises(OperationalError):  # the app answers it with a 503 and Retry-After
            db.fetch_hot(ONE, {})
        db.session.rollback()
    with app.test_request_context(method="POST"):
        assert db.fetch_hot(BACKEND, {})[0][0] != pid  # not the dead connection again


def test_rows_inserted_in_bulk_are_stored_as_given_once_each_with_their_defaults(app, login_as):
    # on PostgreSQL this many rows go as one JSON parameter: the values, NULLs and defaults must come back as given
    from datetime import datetime, timedelta

    from server.core.db import JSON_ROWS, insert_rows
    from server.core.time import utcnow
    from server.notifications.models import Notification

    users = [login_as("supervisor").user for _ in range(3)]
    with app.app_context():
        read = utcnow() - timedelta(hours=1)
        rows = [
            {
                "user_id": user.id,
                "key": f"k:{n}",
                "kind": "overdue",
                "hazard_id": None,
                "read_at": read if n % 2 else None,
            }
            for n in range(JSON_ROWS)
            for user in users
        ]
        insert_rows(Notification, rows[:2], skip_conflicts_on=("user_id", "key"))
        insert_rows(Notification, rows, skip_conflicts_on=("user_id", "key"))  # the first two are there already
        stored = db.session.execute(
            select(
                Notification.user_id, Notification.key, Notification.read_at, Notification.id, Notification.created_at
            ).where(Notification.user_id.in_([u.id for u in users]))
        ).all()
        assert sorted((s.user_id, s.key, s.read_at) for s in stored) == sorted(
            (r["user_id"], r["key"], r["read_at"]) for r in rows
        )
        assert len({s.id for s in stored}) == len(rows) and all(s.created_at > read for s in stored)
        with pytest.raises((ValueError, StatementError), match="naive datetime"):  # StatementError wraps it on SQLite
            insert_rows(
                Notification, [dict(row, key=f"naive:{n}", read_at=datetime(2026, 1, 1)) for n, row in enumerate(rows)]
            )
        db.session.rollback()
