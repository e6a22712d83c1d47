"""The demo's past rainstorm: the culvert's chain of reports and the late one's escalation on record, the clocks left
fired or moot (none to fire), two communities adding up to their street, the chain verifying; a second load adds
nothing."""

from datetime import UTC, datetime

from sqlalchemy import select, true

from server.areas.models import Area
from server.core.db import db
from server.demo import incidents as rainstorm
from server.demo.loader import load
from server.disasters import totals
from server.disasters.models import Disaster, DisasterReport
from server.evidence import services as evidence
from server.incidents import clocks
from server.incidents.models import Incident, IncidentClock


def test_the_rainstorm_is_loaded_once_and_adds_up(app):
    with app.app_context():
        load()
        culvert = db.session.get(Incident, rainstorm._id("culvert"))
        assert culvert.is_demo and culvert.state == "closed" and culvert.trapped == 3
        steps = [e.action for e in evidence.timeline("incident", culvert.id)]
        assert steps == ["report", "forward", "acknowledge", "request_followup", "followup", "final"]
        late = db.session.get(Incident, rainstorm._id("fallen-tree"))
        assert [e.action for e in evidence.timeline("incident", late.id)][:2] == ["report", "escalate"]
        assert db.session.scalar(select(IncidentClock).where(IncidentClock.fired_at.is_(None))) is None
        assert clocks.tick(datetime.now(UTC)) == 0
        disaster = db.session.get(Disaster, rainstorm._id("disaster"))
        street = db.session.scalars(select(Area).where(Area.code == "420103001")).one()
        added = totals.totals(disaster, street, true())
        parts = [p["totals"]["affected"] for p in added["parts"] if p["communities_reported"]]
        assert parts == [845, 176] and added["totals"]["affected"] == 845 + 176
        assert all(r.is_demo for r in db.session.scalars(select(DisasterReport)))
        assert evidence.verify()[1] is None
        assert rainstorm.add() == 0
