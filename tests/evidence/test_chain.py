"""The event chain: every state change linked to the one before, and any later edit found by `verify`."""

import os
import threading

import pytest
from sqlalchemy import delete, select, update

from server.core.db import db
from server.evidence import services as evidence
from server.evidence.models import ChainHead, Event


def verify_cli(app):
    return app.test_cli_runner().invoke(args=["evidence", "verify"])


def test_a_tag_issued_and_revoked_leaves_two_linked_events(app, login_as, world):
    station = login_as("station_officer")
    tag = station.post(f"/api/v1/sites/{world['market_site']}/tag").json
    url = f"/api/v1/tags/{tag['serial']}"
    station.delete(url, json={"reason": "损坏"}, headers={"If-Match": station.get(url).headers["ETag"]})
    with app.app_context():
        issued, revoked = evidence.timeline("site_tag", tag["serial"])
        assert (issued.action, revoked.action) == ("issue", "revoke")
        assert revoked.reason == "损坏" and revoked.actor_id == station.user.id
        assert revoked.prev_hash == issued.hash and revoked.seq == issued.seq + 1
    result = verify_cli(app)
    assert result.exit_code == 0 and "the chain holds" in result.output


def append(n):
    return [evidence.record("test", f"r{i}", "touch", actor_id=None, reason=f"第{i}次") for i in range(n)]


@pytest.mark.parametrize(
    "tamper,broken_at,problem",
    [
        (
            lambda events: update(Event).where(Event.seq == events[2].seq).values(reason="改过了"),
            2,
            "content was changed",
        ),
        (lambda events: update(Event).where(Event.seq == events[1].seq).values(to_state="closed"), 1, "content"),
        (lambda events: delete(Event).where(Event.seq == events[3].seq), 3, "missing"),
        (lambda events: delete(Event).where(Event.seq == events[4].seq), 4, "removed"),
    ],
)
def test_verify_names_the_first_broken_link(app, tamper, broken_at, problem):
    with app.app_context():
        events = append(5)
        first = events[0].seq
        db.session.commit()
        db.session.execute(tamper(events))
        db.session.commit()
        checked, broken = evidence.verify()
        assert broken is not None and problem in broken.problem
        assert broken.seq == first + broken_at and checked == first - 1 + broken_at
    result = verify_cli(app)
    assert result.exit_code == 1 and f"broken at event {first + broken_at}" in result.output


def test_rewriting_one_event_with_a_fresh_hash_still_breaks_the_next_link(app):
    with app.app_context():
        events = append(3)
        db.session.commit()
        forged = db.session.get(Event, events[1].seq)
        forged.reason = "伪造"
        forged.hash = evidence.link_hash(forged)  # the forger recomputes this link's own hash…
        db.session.commit()
        _, broken = evidence.verify()
        assert broken.seq == events[2].seq and "link" in broken.problem  # …but the next one still points at the old


@pytest.mark.no_transaction
def test_concurrent_appends_never_fork_the_chain(app):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("concurrent writers need PostgreSQL: the PostgreSQL leg runs this")
    errors = []

    def writer(n):
        try:
            for i in range(10):
                with app.app_context():  # its own session, committing for real
                    evidence.record("race", f"w{n}", "touch", actor_id=None, data={"i": i})
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with app.app_context():
            checked, broken = evidence.verify()
            assert broken is None and checked == 40
            assert db.session.scalar(select(ChainHead.seq)) == 40
    finally:
        with db.engine.begin() as conn:  # back to the genesis link the other tests start from
            conn.execute(delete(Event))
            conn.execute(update(ChainHead).values(seq=0, hash=evidence.GENESIS))
