"""The demo's past rainstorm: a red warning for two streets, read by everyone and relayed by every grid worker there,
then cancelled; on the chain in time order, on the demo grid worker's phone, and loaded once."""

from sqlalchemy import func, select

from server.core.db import db
from server.demo.loader import load
from server.evidence import services as evidence
from server.evidence.models import Event
from server.warnings.models import WarningClock, WarningMessage
from tests.demo.test_demo_inspections import token_of


def test_the_past_rainstorm_reached_everyone_and_was_cancelled(app, client):
    with app.app_context():
        load()
        db.session.commit()
        messages = db.session.scalars(select(WarningMessage).where(WarningMessage.is_demo)).all()
        assert sorted(m.msg_type for m in messages) == ["alert", "cancel"]
        alert = next(m for m in messages if m.msg_type == "alert")
        assert alert.level == "red" and alert.event == "rainstorm" and len(alert.area_ids) == 2
        assert alert.superseded_by == next(m.id for m in messages if m.msg_type == "cancel")
        assert set(db.session.scalars(select(WarningClock.outcome).where(WarningClock.warning_id == alert.id))) == {
            "fired"
        }
        checked, broken = evidence.verify()
        assert broken is None and checked > 0
        counted = [db.session.scalar(select(func.count()).select_from(m)) for m in (WarningMessage, Event)]
        assert load()["warnings"] == 0
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (WarningMessage, Event)] == counted
        alert_id = alert.id
    district = token_of(client, "demo-supervisor")
    coverage = client.get(f"/api/v1/warnings/{alert_id}/coverage", headers=district).json
    assert coverage["totals"]["share"] == 1.0 and coverage["totals"]["relayed"] == coverage["totals"]["relayers"] > 0
    assert len(coverage["by_street"]) == 2 and all(s["share"] == 1.0 for s in coverage["by_street"])
    # the demo grid worker (民族街道) finds it, and its cancellation, on the phone
    feed = client.get("/api/v1/sync/changes?limit=1000", headers=token_of(client, "demo-grid"))
    changes = []
    while True:
        changes += feed.json["changes"]
        if not feed.json["more"]:
            break
        feed = client.get(
            "/api/v1/sync/changes",
            query_string={"limit": 1000, "cursor": feed.json["cursor"]},
            headers=token_of(client, "demo-grid"),
        )
    warnings = [c["data"] for c in changes if c["kind"] == "warning"]
    assert sorted(w["msg_type"] for w in warnings) == ["alert", "cancel"]
    assert next(w for w in warnings if w["msg_type"] == "alert")["receipt"]["relayed_at"] is not None
