"""The same change sent to two instances at once (a phone's retry through another route, two tabs): one applies it,
the other answers as a replay does — the changed hazard, its new ETag — never a 5xx, never the hazard as it was."""

import threading
import uuid

import pytest

from tests.production.client import Client

pytestmark = [pytest.mark.slow, pytest.mark.no_transaction, pytest.mark.postgres, pytest.mark.redis]

RACES = 40


def race(station: Client, other: Client, hazard_id: str, action: str, **payload):
    """Both instances get the same change (same id, same If-Match) at the same moment."""
    etag = station.get(f"/api/v1/hazards/{hazard_id}").headers["ETag"]
    change_id, answers, start = str(uuid.uuid4()), [None, None], threading.Barrier(2)

    def send(i, client):
        start.wait()
        answers[i] = client.act(hazard_id, action, etag=etag, change_id=change_id, **payload)

    threads = [threading.Thread(target=send, args=(i, client)) for i, client in enumerate((station, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_change_on_two_instances_at_once_is_applied_once_and_both_see_it(layout):
    grid = Client(layout.urls[0], "demo-grid")
    station = Client(layout.urls[0], "demo-station")
    other = station.on(layout.urls[1])
    site = grid.first_site()
    outcomes = []
    for _ in range(RACES):
        hazard = grid.report(site, [])
        answers = race(station, other, hazard["id"], "acknowledge")
        outcomes.append(tuple(answer.status_code for answer in answers))
        assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
        assert all(answer.json()["state"] == "acknowledged" for answer in answers)
        assert answers[0].headers["ETag"] == answers[1].headers["ETag"]  # both hold the version now stored
        assert answers[0].json()["allowed_actions"] == answers[1].json()["allowed_actions"]
        timeline = station.get(f"/api/v1/hazards/{hazard['id']}/timeline").json()
        assert [event["action"] for event in timeline] == ["report", "acknowledge"]  # applied once
    assert outcomes == [(200, 200)] * RACES


def test_two_different_changes_at_once_one_wins_and_the_other_is_told_it_is_stale(layout):
    grid = Client(layout.urls[0], "demo-grid")
    station = Client(layout.urls[0], "demo-station")
    other = station.on(layout.urls[1])
    hazard = grid.report(grid.first_site(), [])
    etag = station.get(f"/api/v1/hazards/{hazard['id']}").headers["ETag"]
    answers, start = [None, None], threading.Barrier(2)

    def send(i, client, action, payload):
        start.wait()
        answers[i] = client.act(hazard["id"], action, etag=etag, **payload)

    threads = [
        threading.Thread(target=send, args=(0, station, "acknowledge", {})),
        threading.Thread(target=send, args=(1, other, "reject", {"reason": "不属实"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 412]
    stale = next(answer for answer in answers if answer.status_code == 412).json()
    winner = next(answer for answer in answers if answer.status_code == 200).json()
    assert stale["errors"]["current"]["state"] == winner["state"]  # the loser sees what won


@pytest.mark.parametrize("attempt", range(10))
def test_two_edits_of_a_site_at_once_one_is_stored_and_the_other_told_it_is_stale(layout, attempt):
    station = Client(layout.urls[0], "demo-station")
    other = station.on(layout.urls[1])
    site_id = station.first_site()
    etag = station.get(f"/api/v1/sites/{site_id}").headers["ETag"]
    answers, start = [None, None], threading.Barrier(2)

    def send(i, client):
        start.wait()
        answers[i] = client.http.patch(
            f"{client.base}/api/v1/sites/{site_id}",
            json={"address": f"江汉路{attempt}-{i}号"},
            headers={"If-Match": etag},
            timeout=30,
        )

    threads = [threading.Thread(target=send, args=(i, client)) for i, client in enumerate((station, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 412], [answer.text for answer in answers]
    kept = next(answer for answer in answers if answer.status_code == 200).json()["address"]
    assert station.get(f"/api/v1/sites/{site_id}").json()["address"] == kept
