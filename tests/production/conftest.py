"""The production layout (tests/production/layout.py), started once for the tests of this folder: they need
PostgreSQL and Redis binaries, so they run in the PostgreSQL leg."""

import os

import pytest

from tests.production.layout import Layout


@pytest.fixture(scope="session")
def layout():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("the production layout runs on PostgreSQL: the PostgreSQL leg of scripts/test runs it")
    started = Layout(base, web=2, workers=2)
    yield started
    started.close()
