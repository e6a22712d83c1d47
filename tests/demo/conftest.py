"""The demo, loaded once for these tests (a load is the costliest set-up of the suite): each test reads it in a
savepoint of the transaction that holds it, rolled back after the test; the transaction is rolled back at the end."""

import pytest

from server.core.db import db
from server.demo.loader import load
from tests.conftest import shared_transaction


@pytest.fixture(scope="package", autouse=True)
def demo(app):
    """What the first load added, by kind (a test calling load() again sees what a second load adds)."""
    with shared_transaction():
        with app.app_context():
            counts = load()
            db.session.commit()
        yield counts
