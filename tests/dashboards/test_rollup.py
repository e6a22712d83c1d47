"""The trend's rollup of frozen months: after every kind of change to old hazards its months are what the table says
(each trend figure the length of its list), for every office's scope and narrowing; freezing is done once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from server.core.db import db
from server.dashboards import rollup
from server.dashboards.models import FrozenMonth, HazardMonth
from server.hazards.models import Hazard
from server.sites.models import Site
from tests.conftest import uid
from tests.dashboards.test_dashboards import _dashboard, _listed, _set, _timed
from tests.hazards.test_loop import act, later, report

PERIOD = "2026-06"  # the trend: July 2025 to June 2026, all of them ended
MAY = datetime(2026, 5, 12, 3, 0, tzinfo=UTC)
JANUARY = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
OCTOBER = datetime(2025, 10, 5, 3, 0, tzinfo=UTC)
# (person, the dashboard's narrowing): every scope the rollup serves, and each narrowing of the district's
VIEWS = [
    ("supervisor", {}),
    ("station_officer", {}),
    ("department_officer", {}),
    ("supervisor", {"area": "comm_a"}),
    ("supervisor", {"area": "street_b"}),
    ("supervisor", {"sector": "market"}),
    ("supervisor", {"site_type": "fire_lane"}),
    ("station_officer", {"site_type": "market"}),
]


@pytest.fixture
def history(app, login_as, world):
    """Hazards in months long ended (October, January, May), in both streets, open and closed; one the station
    officer reported outside their street (theirs to see: they reported it)."""
    supervisor = login_as("supervisor")
    station = login_as("station_officer")

    def make(caller, site, **values):
        hazard = report(caller, world, site_id=str(world[site]))
        _set(app, hazard["id"], **values)
        return hazard["id"]

    return {
        "supervisor": supervisor,
        "station": station,
        "market_reported": make(supervisor, "market_site", **_timed(JANUARY), state="reported"),
        "market_closed": make(
            supervisor, "market_site", **_timed(OCTOBER, ack_after=5), state="closed", closed_at=JANUARY
        ),
        "lane_closed": make(supervisor, "fire_lane", **_timed(JANUARY, ack_after=5), state="closed", closed_at=MAY),
        "mall_open": make(supervisor, "mall_site", **_timed(MAY, ack_after=5), state="acknowledged"),
        # reported in street A, then found to be street B's mall (moved there), still the station officer's own
        "mall_mine": make(
            station,
            "market_site",
            **_timed(OCTOBER),
            state="reported",
            site_id=world["mall_site"],
            grid_id=world["grid_b1"],
            street_id=world["street_b"],
            enterprise_id=world["mall"],
            sector="commerce",
        ),
        "lane_may": make(supervisor, "fire_lane", **_timed(MAY), state="reported"),
    }


def freeze(app) -> list[str]:
    with app.app_context():
        return rollup.freeze_ended_months()


def rows(app) -> dict:
    with app.app_context():
        found = db.session.execute(select(HazardMonth)).scalars().all()
        return {(r.month, r.grid_id, r.sector, r.site_type): (r.found, r.closed) for r in found if r.found or r.closed}


def trend_is_its_lists(login_as, world, callers=None):
    """Each view's trend, month by month, counts what its lists hold (the table): the rollup agrees with them."""
    callers = callers or {}
    for person, narrowing in VIEWS:
        caller = callers.get(person) or login_as(person)
        callers[person] = caller
        query = {"period": PERIOD}
        if "area" in narrowing:
            query["area_id"] = world[narrowing["area"]]
        query.update({k: v for k, v in narrowing.items() if k != "area"})
        for month in _dashboard(caller, **query)["trend"]:
            for name in ("found", "closed"):
                assert _listed(caller, month[name]) == month[name]["count"], (person, narrowing, month["month"], name)
    return callers


def test_a_frozen_month_is_read_from_the_rollup(app, login_as, world, history):
    frozen = freeze(app)
    assert "2025-10" in frozen and "2026-05" in frozen and frozen[-1] < datetime.now(UTC).strftime("%Y-%m")
    district = {m["month"]: m for m in _dashboard(login_as("supervisor"), period=PERIOD)["trend"]}
    assert district["2026-01"]["found"]["count"] == 2 and district["2026-01"]["closed"]["count"] == 1
    with app.app_context():  # what the trend shows of a frozen month is what the rollup holds
        january = (HazardMonth.month == "2026-01") & (HazardMonth.site_type == "market")
        db.session.execute(update(HazardMonth).where(january).values(found=HazardMonth.found + 5))
        db.session.commit()
    district = {m["month"]: m for m in _dashboard(login_as("supervisor"), period=PERIOD)["trend"]}
    assert district["2026-01"]["found"]["count"] == 7


def test_the_rollup_and_the_lists_agree_after_every_kind_of_change(app, login_as, world, history):
    freeze(app)
    callers = trend_is_its_lists(login_as, world)
    supervisor, station = history["supervisor"], history["station"]

    # the loop's own steps on old hazards: transferred to another sector, rejected, merged, closed today
    moved = act(station, history["market_reported"], "transfer", reason="移送", sector="commerce")
    assert moved.status_code == 200, moved.json
    assert act(login_as("station_officer_b"), history["mall_mine"], "reject", reason="不属实").status_code == 200
    lane = history["lane_may"]
    dup = act(station, lane, "merge", reason="重复", duplicate_of=history["market_reported"])
    assert dup.status_code == 200, dup.json
    mall = history["mall_open"]
    station_b = login_as("station_officer_b")
    assert act(station_b, mall, "issue_notice", deadline=later(), responsible_party="商场").status_code == 200
    submitted = act(station_b, mall, "submit_rectification", description="已整改", photo_ids=[uid()])
    assert submitted.status_code == 200, submitted.json
    assert act(station_b, mall, "close", result="复查合格").json["state"] == "closed"
    trend_is_its_lists(login_as, world, callers)

    # what the loop never does, but data fixes and imports may: every counted column of an old hazard changed
    _set(app, history["market_closed"], closed_at=None, state="rectifying", deadline=datetime(2099, 1, 1, tzinfo=UTC))
    _set(app, history["lane_closed"], closed_at=JANUARY + timedelta(days=3))  # closed in another frozen month
    _set(app, history["market_reported"], grid_id=world["grid_b1"])
    _set(app, history["mall_open"], received_at=OCTOBER, site_id=world["market_site"])
    _set(app, lane, site_id=None, sector=None)
    trend_is_its_lists(login_as, world, callers)

    # a site's type changed: its hazards count under the new type
    site = f"/api/v1/sites/{world['fire_lane']}"
    etag = supervisor.get(site).headers["ETag"]
    changed = supervisor.patch(site, json={"type": "market"}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.json
    trend_is_its_lists(login_as, world, callers)

    # inserted straight into a frozen month (a late clock, an import) and deleted
    with app.app_context():
        row = db.session.execute(select(Hazard.__table__).where(Hazard.id == uuid.UUID(lane))).mappings().one()
        added, gone = uuid.uuid4(), uuid.uuid4()
        db.session.execute(insert(Hazard).values({**row, "id": added, "received_at": MAY, "closed_at": MAY}))
        db.session.execute(insert(Hazard).values({**row, "id": gone, "received_at": JANUARY, "closed_at": None}))
        db.session.commit()
        db.session.execute(delete(Hazard).where(Hazard.id == gone))
        db.session.commit()
    trend_is_its_lists(login_as, world, callers)

    # and the months kept by the triggers are those that freezing them afresh counts
    kept = rows(app)
    with app.app_context():
        db.session.execute(delete(FrozenMonth))
        db.session.execute(delete(HazardMonth))
        db.session.commit()
    freeze(app)
    assert rows(app) == kept


def test_a_month_is_frozen_once(app, login_as, world, history):
    first = freeze(app)
    assert first
    counted = rows(app)
    assert freeze(app) == []
    with app.app_context():  # another process freezing the same months: nothing counted twice
        assert rollup.freeze([rollup.month_of(MAY.date()), rollup.month_of(JANUARY.date())]) == []
        db.session.commit()
    assert rows(app) == counted


def test_the_months_not_frozen_are_counted_from_the_table(app, login_as, world, history):
    with app.app_context():
        rollup.freeze([rollup.month_of(JANUARY.date())])  # only January: the others are the table's
        db.session.commit()
    # a change to a month that is not frozen touches no rollup
    _set(app, history["lane_may"], grid_id=world["grid_b1"])
    assert {key[0] for key in rows(app)} == {"2026-01"}
    trend_is_its_lists(login_as, world)


def test_the_rollup_answers_only_what_it_keeps():
    assert rollup.on_rollup(Hazard.grid_id.in_([1, 2]) & (Hazard.sector == "market")) is not None
    assert rollup.on_rollup(Hazard.grid_id.in_([1, 2]) | (Hazard.reporter_id == uuid.uuid4())) is None
    assert rollup.on_rollup(Hazard.enterprise_id.in_([uuid.uuid4()])) is None


def test_a_site_type_change_moves_only_that_sites_hazards(app, login_as, world, history):
    freeze(app)
    with app.app_context():
        db.session.get(Site, world["mall_site"]).type = "hotel"
        db.session.commit()
    types = {key[3] for key in rows(app)}
    assert "hotel" in types and "mall" not in types and "market" in types


def test_older_hazards_loaded_later_have_their_months_frozen_by_the_next_round(app, login_as, world, history):
    assert freeze(app)[0] == "2025-10"
    _set(app, history["lane_may"], received_at=datetime(2025, 7, 3, tzinfo=UTC))  # older than any month frozen
    assert "2025-07" not in {key[0] for key in rows(app)}  # not frozen: the table's
    trend_is_its_lists(login_as, world)
    assert freeze(app) == ["2025-07", "2025-08", "2025-09"]
    assert rows(app)[("2025-07", world["grid_a2"], "", "fire_lane")] == (1, 0)
    trend_is_its_lists(login_as, world)
    assert freeze(app) == []
