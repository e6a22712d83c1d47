"""Who sees a warning (role × in or out of its areas): its recipients and the offices over them; anyone else reads it
as absent (404). Coverage is the offices'; issuing, updating and cancelling the district's."""

import pytest

from tests.conftest import uid
from tests.warnings.conftest import issue

WARNINGS = "/api/v1/warnings"

# person → (GET the message, GET its coverage) for a warning over street A
TABLE = {
    "district": (200, 200),
    "station_a": (200, 200),  # a recipient, and the office of its street
    "station_b": (404, 404),  # another street's office
    "a1": (200, 403),  # a recipient; grid workers follow no coverage
    "b1": (404, 403),
    "market_lead": (200, 403),  # a site in street A
    "mall_lead": (404, 403),
    "elsewhere": (404, 403),
}


@pytest.fixture
def warned(town, world):
    return issue(town["district"], [world["street_a"]])


@pytest.mark.parametrize("name", list(TABLE))
def test_reading_a_warning_and_its_coverage(town, warned, name):
    caller = town[name]
    assert caller.get(f"{WARNINGS}/{warned['id']}").status_code == TABLE[name][0]
    assert caller.get(f"{WARNINGS}/{warned['id']}/coverage").status_code == TABLE[name][1]
    listed = [w["id"] for w in caller.get(WARNINGS).json]
    assert (warned["id"] in listed) == (TABLE[name][0] == 200)


def test_admins_see_the_warnings_over_their_areas(login_as, warned):
    assert login_as("district_admin").get(f"{WARNINGS}/{warned['id']}/coverage").status_code == 200
    assert login_as("admin").get(f"{WARNINGS}/{warned['id']}").status_code == 404  # street B's admin


@pytest.mark.parametrize("name", ["station_a", "a1", "market_lead"])
def test_only_the_district_updates_or_cancels(town, warned, name):
    for action in ("update", "cancel"):
        assert town[name].post(f"{WARNINGS}/{warned['id']}/{action}", json={}).status_code == 403


def test_only_its_recipients_acknowledge_it(town, warned):
    assert town["district"].post(f"{WARNINGS}/{warned['id']}/acknowledge", json={"client_id": uid()}).status_code == 404
    assert town["b1"].post(f"{WARNINGS}/{warned['id']}/acknowledge", json={"client_id": uid()}).status_code == 404
    assert town["a1"].post(f"{WARNINGS}/{warned['id']}/acknowledge", json={"client_id": uid()}).status_code == 200
