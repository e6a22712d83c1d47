"""The categories a report may name: the bureau adds and retires them, and the reports follow at once in the process
that changed them, within a minute in the others."""

import pytest
from sqlalchemy import update

from server.core.db import db
from server.hazards import services
from server.hazards.models import HazardCategory
from tests.hazards.test_loop import report_body


@pytest.fixture(autouse=True)
def codes_read_again():
    """What a test changes is rolled back behind the cache's back: the next test reads the codes again."""
    yield
    services._ACTIVE_CODES.invalidate()


def refused(resp) -> bool:
    return resp.status_code == 422 and "category" in resp.json["errors"]["json"]


def test_a_category_switched_off_is_refused_at_once_and_one_added_is_accepted_at_once(app, login_as, world):
    worker = login_as("grid_worker")
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201  # codes read
    with app.app_context():
        db.session.get(HazardCategory, "gas").active = False
        db.session.add(HazardCategory(code="lifts", name_zh="电梯安全", name_en="Lifts", active=True, position=99))
        db.session.commit()
    assert refused(worker.post("/api/v1/hazards", json=report_body(world, category="gas")))
    assert worker.post("/api/v1/hazards", json=report_body(world, category="lifts")).status_code == 201


def test_a_category_retired_by_another_process_is_refused_within_the_minute(app, login_as, world, monkeypatch):
    worker = login_as("grid_worker")
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201  # codes read
    with app.app_context():  # as another process would: not through this one's ORM
        db.session.execute(update(HazardCategory.__table__).where(HazardCategory.code == "gas").values(active=False))
        db.session.commit()
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201
    later = services._ACTIVE_CODES._until
    monkeypatch.setattr("server.core.cache.monotonic", lambda: later)
    assert refused(worker.post("/api/v1/hazards", json=report_body(world, category="gas")))


def test_a_category_added_by_another_process_is_accepted_at_once(app, login_as, world):
    worker = login_as("grid_worker")
    assert worker.post("/api/v1/hazards", json=report_body(world, category="gas")).status_code == 201  # codes read
    with app.app_context():
        db.session.execute(
            HazardCategory.__table__.insert().values(
                code="lifts", name_zh="电梯安全", name_en="Lifts", active=True, position=99
            )
        )
        db.session.commit()
    assert worker.post("/api/v1/hazards", json=report_body(world, category="lifts")).status_code == 201
