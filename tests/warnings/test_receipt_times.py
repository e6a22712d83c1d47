"""When a 已阅 or 已传达 was done, beside when it arrived: the phone's time corrected by its clock's offset
(Device-Time), never later than its arrival nor before the message was sent; the coverage counts who read it before
the first reminder by that time, so a grid worker who read it offline in time is counted in time."""

import uuid
from datetime import datetime, timedelta

from server.core.db import db
from server.core.time import utcnow
from server.warnings.models import WarningMessage
from tests.conftest import uid
from tests.warnings.conftest import issue

WARNINGS = "/api/v1/warnings"
BEHIND = timedelta(minutes=2)  # the phone's clock is two minutes slow


def sent_an_hour_ago(app, town, world) -> dict:
    warning = issue(town["district"], [world["street_a"]])
    with app.app_context():
        message = db.session.get(WarningMessage, uuid.UUID(warning["id"]))
        message.sent_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        return {**warning, "sent_at": message.sent_at}


def on_phone(moment: datetime) -> str:
    return (moment - BEHIND).isoformat()


def post(caller, warning, act, **body):
    resp = caller.post(
        f"{WARNINGS}/{warning['id']}/{act}",
        json={"client_id": uid(), **body},
        headers={"Device-Time": on_phone(utcnow())},
    )
    assert resp.status_code == 200, resp.json
    return resp.json["receipt"]


def at(text) -> datetime:
    return datetime.fromisoformat(text)


def close(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 5


def test_an_offline_read_counts_from_when_it_was_made_on_the_servers_clock(app, town, world):
    warning = sent_an_hour_ago(app, town, world)
    read = warning["sent_at"] + timedelta(minutes=5)  # read 5 minutes after sending, offline; arrives now
    receipt = post(town["a1"], warning, "acknowledge", done_at=on_phone(read))
    assert close(at(receipt["ack_done_at"]), read)  # the slow clock corrected
    assert close(at(receipt["acknowledged_at"]), utcnow())  # its arrival, kept beside it
    post(town["a2"], warning, "acknowledge")  # online, no time given: read when it arrived, 60 minutes on
    coverage = town["district"].get(f"{WARNINGS}/{warning['id']}/coverage").json
    assert (coverage["totals"]["acknowledged"], coverage["totals"]["read_in_time"]) == (2, 1)
    assert close(at(coverage["read_in_time_by"]), warning["sent_at"] + timedelta(minutes=10))
    grids = {g["name"]: g["read_in_time"] for g in coverage["by_grid"]}
    assert grids["测试网格A1-1"] == 1 and grids["测试网格A1-2"] == 0


def test_a_time_is_never_in_the_future_nor_before_the_warning(app, town, world):
    warning = sent_an_hour_ago(app, town, world)
    ahead = post(town["a1"], warning, "acknowledge", done_at=on_phone(utcnow() + timedelta(hours=3)))
    assert ahead["ack_done_at"] == ahead["acknowledged_at"]  # not later than it arrived
    before = post(town["a2"], warning, "acknowledge", done_at=on_phone(utcnow() - timedelta(days=2)))
    assert close(at(before["ack_done_at"]), warning["sent_at"])  # not before it was sent


def test_an_offline_relay_is_timed_when_made_and_reads_as_read_then(app, town, world):
    warning = sent_an_hour_ago(app, town, world)
    relayed = warning["sent_at"] + timedelta(minutes=8)
    receipt = post(town["a1"], warning, "relay", households=40, done_at=on_phone(relayed))
    assert close(at(receipt["relay_done_at"]), relayed) and close(at(receipt["ack_done_at"]), relayed)
    assert close(at(receipt["relayed_at"]), utcnow())
    again = post(town["a1"], warning, "acknowledge", done_at=on_phone(utcnow()))  # a later 已阅 changes nothing
    assert again["ack_done_at"] == receipt["ack_done_at"]
    coverage = town["district"].get(f"{WARNINGS}/{warning['id']}/coverage").json["totals"]
    assert (coverage["relayed"], coverage["read_in_time"]) == (1, 1)
