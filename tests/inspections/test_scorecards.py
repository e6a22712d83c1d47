"""The two-monthly scorecards (双月考核): each line's raw numbers, its weight and points, the ranking, who sees which
card, a bad period, and the XLSX export carrying the same figures."""

import io
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from server.config import ConfigError, _weights
from server.core.db import db
from server.core.time import utcnow
from server.hazards.models import Hazard
from server.inspections import scorecards
from server.inspections.models import Summons
from server.inspections.scorecards import LINES, Period, card, line, rank
from tests.conftest import make_user
from tests.inspections.factory import inspection_body, published

SHANGHAI = timezone(timedelta(hours=8))
PERIOD = "2026-B5"  # September–October 2026, ended
SEPT, OCT = datetime(2026, 9, 10, 10, tzinfo=SHANGHAI), datetime(2026, 10, 10, 10, tzinfo=SHANGHAI)
NOV = datetime(2026, 11, 5, 10, tzinfo=SHANGHAI)
STREETS = 14  # the division codes' 13 streets and the development zone (domain/areas.csv)


def definition(level, key):
    return next(d for d in LINES[level] if d.key == key)


# ---- the arithmetic, pure --------------------------------------------------------------------------------


def test_a_rate_line_shows_its_raw_numbers_weight_and_points(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        got = line(definition("street", "closure"), 25, (12, 15))
        assert (got["part"], got["whole"], got["value"], got["weight"], got["points"]) == (12, 15, 80.0, 25, 20.0)
        assert got["applies"] and got["explanation"] == "12/15 = 80%，× 25 分 = 20 分"
        nothing = line(definition("street", "closure"), 25, (0, 0))
        assert not nothing["applies"] and nothing["points"] is None


def test_a_deduction_costs_so_much_an_item_down_to_nothing(app):
    with app.test_request_context():
        overdue = definition("street", "overdue")
        assert line(overdue, 15, (3,), 2)["points"] == 9
        assert line(overdue, 15, (40,), 2)["points"] == 0
        assert line(overdue, 15, (0,), 2)["points"] == 15


def test_the_score_is_the_points_over_the_weights_that_applied(app):
    with app.test_request_context():
        weights = {"in_time": 40, "overdue": 20, "overdue.per_item": 5, "assessments": 30, "summons_follow_up": 10}
        figures = {"in_time": (3, 4), "overdue": (1,), "assessments": (0, 0), "summons_follow_up": (0, 0)}
        got = card("department", figures, weights)
        # 30 + 15 points out of the 60 that applied (no checklist owned: the last two lines leave the maximum)
        assert (got["points"], got["max_points"], got["score"]) == (45, 60, 75.0)


def test_ties_share_a_rank_and_a_card_with_nothing_applied_is_not_ranked():
    cards = [{"score": s, "order": n} for n, s in enumerate([80.0, 95.5, None, 80.0, 70.0])]
    assert [(c["score"], c["rank"]) for c in rank(cards)] == [(95.5, 1), (80.0, 2), (80.0, 2), (70.0, 4), (None, None)]


def test_a_period_is_two_months_in_wuhan():
    first, last = Period(2026, 1).bounds()
    assert first == datetime(2025, 12, 31, 16, tzinfo=UTC) and last == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert Period(2026, 6).bounds()[1] == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert scorecards.resolve(None, datetime(2026, 12, 4, tzinfo=UTC)) == Period(2026, 5)  # the last complete one
    assert scorecards.resolve(None, datetime(2026, 1, 1, 1, tzinfo=UTC)) == Period(2025, 6)
    assert scorecards.resolve("2026-B6", datetime(2026, 12, 4, tzinfo=UTC)) == Period(2026, 6)  # in progress
    with pytest.raises(scorecards.Invalid):
        scorecards.resolve("2027-B1", datetime(2026, 12, 4, tzinfo=UTC))


# ---- the figures, from hand-made records -----------------------------------------------------------------


def hazard(reporter, grid, street, received, *, state="closed", ack_minutes=10, deadline=None, closed=None, **fields):
    received = received.astimezone(UTC)
    row = Hazard(
        id=uuid.uuid4(),
        grid_id=grid,
        street_id=street,
        category="fire",
        level="general",
        description="测试隐患",
        source="patrol",
        reporter_id=reporter,
        observed_at=received,
        received_at=received,
        ack_due_at=received + timedelta(minutes=30),
        acknowledged_at=received + timedelta(minutes=ack_minutes) if ack_minutes is not None else None,
        state=state,
        deadline=deadline,
        closed_at=closed or (received + timedelta(days=3) if state == "closed" else None),
        updated_at=received + timedelta(days=3),
        **fields,
    )
    db.session.add(row)
    return row


@pytest.fixture
def records(app, world, login_as):
    """Street A (民族街道): four hazards received in the period (two closed, one rectifying past its deadline, one
    rejected), one acknowledged late; a patrol checklist for its market and fire lane, two patrols without a
    check-in; a summons of its market in October. Street B (花楼街道): one hazard, closed, acknowledged in time.
    The market bureau: its checklist, one assessment in September; a market hazard closed by its deadline, one
    after it."""
    admin, officer = login_as("district_admin"), login_as("station_officer")
    patrol = published(admin)
    assessment = published(admin, kind="assessment", name="测试市场考核", site_types=["market"], owner_sector="market")
    for template, site, at, mode in (
        (patrol, world["market_site"], SEPT, "routine_patrol"),
        (patrol, world["fire_lane"], OCT, "routine_patrol"),
        (patrol, world["fire_lane"], NOV, "routine_patrol"),  # after the period
        (assessment, world["market_site"], SEPT, "cross_assessment"),
    ):
        body = inspection_body(template, site, mode=mode, finished_at=at.isoformat())
        body["started_at"] = (at - timedelta(minutes=30)).isoformat()
        assert officer.post("/api/v1/inspections", json=body).status_code == 201
    with app.app_context():
        reporter = make_user("grid_worker", area_id=world["grid_a1"]).id
        a, b = (world["grid_a1"], world["street_a"]), (world["grid_b1"], world["street_b"])
        hazard(reporter, *a, SEPT)
        hazard(reporter, *a, OCT, ack_minutes=45)
        hazard(reporter, *a, SEPT, state="rectifying", deadline=OCT.astimezone(UTC))  # overdue at the period's end
        hazard(reporter, *a, OCT, state="rejected", ack_minutes=None)
        hazard(reporter, *b, OCT)
        hazard(reporter, *a, NOV)  # after the period
        due = (SEPT + timedelta(days=7)).astimezone(UTC)
        hazard(reporter, *a, SEPT, sector="market", deadline=due, closed=due - timedelta(days=1))
        hazard(reporter, *a, SEPT, sector="market", deadline=due, closed=due + timedelta(days=2))
        db.session.add(
            Summons(
                family_id=uuid.UUID(assessment["family_id"]),
                month="2026-10",
                site_id=world["market_site"],
                grid_id=world["grid_a1"],
                sector="market",
                rank=5,
                previous_rank=5,
                ranked=5,
                score=60.0,
            )
        )
        db.session.commit()
    return {"patrol": patrol, "assessment": assessment}


def cards_of(caller, level="street", period=PERIOD):
    got = caller.get(f"/api/v1/scorecards?level={level}&period={period}", headers={"Accept-Language": "zh"})
    assert got.status_code == 200, got.json
    return got.json


def lines_of(unit):
    return {entry["key"]: entry for entry in unit["lines"]}


def test_a_street_s_card_counts_what_was_recorded_in_the_period(login_as, records):
    got = cards_of(login_as("supervisor"))
    assert got["period"] == PERIOD and got["label"] == "2026年第5期（9–10月）" and got["complete"]
    assert (got["from"], got["to"]) == ("2026-09-01", "2026-10-31") and got["demo_weighting"]
    assert got["ranked"] == STREETS and len(got["units"]) == STREETS
    street_a = next(u for u in got["units"] if u["unit_name"] == "民族街道")
    lines = lines_of(street_a)
    # received in the period: three entered the loop (the rejected one did not), two of them closed ...
    assert (lines["closure"]["part"], lines["closure"]["whole"]) == (4, 5)  # with the two market ones
    # ... acknowledged within 30 minutes: all but the October one (45 minutes)
    assert (lines["acknowledged"]["part"], lines["acknowledged"]["whole"]) == (4, 5)
    assert lines["overdue"]["count"] == 1 and lines["overdue"]["points"] == 15 - 1
    # two sites the patrol checklist applies to, two months: the market in September, the fire lane in October
    assert (lines["patrol_coverage"]["part"], lines["patrol_coverage"]["whole"]) == (2, 4)
    assert lines["patrol_coverage"]["points"] == 10.0
    assert (lines["patrol_presence"]["part"], lines["patrol_presence"]["whole"]) == (0, 2)  # no check-in
    assert lines["summonses"]["count"] == 1 and lines["summonses"]["points"] == 5
    assert street_a["points"] == round(sum(e["points"] for e in street_a["lines"] if e["applies"]), 1)
    assert street_a["score"] == round(100 * street_a["points"] / street_a["max_points"], 1)
    street_b = next(u for u in got["units"] if u["unit_name"] == "花楼街道")
    b = lines_of(street_b)
    assert (b["closure"]["part"], b["closure"]["whole"]) == (1, 1) and not b["patrol_coverage"]["applies"]
    assert street_b["rank"] < street_a["rank"]
    quiet = [u for u in got["units"] if u["unit_name"] not in ("民族街道", "花楼街道")]
    assert len({u["rank"] for u in quiet}) == 1  # nothing recorded: the same score, one shared rank


def test_a_department_s_card_counts_its_sector_and_its_checklists(login_as, records):
    got = cards_of(login_as("supervisor"), "department")
    market = next(u for u in got["units"] if u["sector"] == "market")
    assert market["unit_name"] == "区市场监督管理局（农贸市场）"
    lines = lines_of(market)
    assert (lines["in_time"]["part"], lines["in_time"]["whole"]) == (1, 2)
    assert (lines["assessments"]["part"], lines["assessments"]["whole"]) == (1, 2)  # September, not October
    assert (lines["summons_follow_up"]["part"], lines["summons_follow_up"]["whole"]) == (0, 1)
    assert lines["in_time"]["points"] == 17.5 and lines["assessments"]["points"] == 15.0


def test_the_weighting_is_the_config_s_when_it_gives_one(app, login_as, records):
    app.config["SCORECARD_WEIGHTS"] = {"street": {"closure": 50, "summonses.per_item": 10}}
    try:
        got = cards_of(login_as("supervisor"))
    finally:
        app.config["SCORECARD_WEIGHTS"] = None
    assert not got["demo_weighting"] and got["weights"]["closure"] == 50
    lines = lines_of(next(u for u in got["units"] if u["unit_name"] == "民族街道"))
    assert lines["closure"]["weight"] == 50 and lines["closure"]["points"] == 40.0
    assert lines["summonses"]["points"] == 0


@pytest.mark.parametrize(
    "person,level,shown",
    [
        ("supervisor", "street", STREETS),
        ("district_admin", "department", None),  # every department (here, the one owning a checklist)
        ("station_officer", "street", ["民族街道"]),
        ("station_officer_b", "street", ["花楼街道"]),
        ("station_officer", "department", []),
        ("admin", "street", ["花楼街道"]),  # an admin of street B
        ("department_officer", "department", ["区市场监督管理局（农贸市场）"]),
        ("department_officer", "street", []),
    ],
)
def test_each_sees_the_cards_in_their_scope_every_unit_ranked(login_as, records, person, level, shown):
    got = cards_of(login_as(person), level)
    names = [u["unit_name"] for u in got["units"]]
    if shown == STREETS:
        assert len(names) == STREETS
    elif shown is None:
        assert len(names) == got["ranked"] >= 1
    else:
        assert names == shown
    if level == "street":
        assert got["ranked"] == STREETS  # every street ranked, whoever asks


@pytest.mark.parametrize("person", ["grid_worker", "enterprise_user", "expert", "enforcement_officer"])
def test_the_field_roles_have_no_scorecards(login_as, person):
    got = login_as(person).get("/api/v1/scorecards")
    assert got.status_code == 403 and got.json["code"] == "forbidden"


@pytest.mark.parametrize("period", ["2026-B7", "2026-B0", "2026-05", "26-B1", "2026-b1"])
def test_a_malformed_period_is_a_422_naming_it(login_as, period):
    got = login_as("supervisor").get(f"/api/v1/scorecards?period={period}")
    assert got.status_code == 422 and got.json["code"] == "validation_error"
    assert "period" in got.json["errors"]["query"]


def test_a_period_not_begun_or_a_bad_level_is_a_422(login_as):
    supervisor = login_as("supervisor")
    got = supervisor.get("/api/v1/scorecards?period=2099-B1")
    assert got.status_code == 422 and got.json["errors"]["query"]["period"]
    assert supervisor.get("/api/v1/scorecards?level=community").status_code == 422
    assert supervisor.get("/api/v1/scorecards.xlsx?period=1999-B3").status_code == 422


def test_the_default_is_the_last_complete_period(login_as):
    got = login_as("supervisor").get("/api/v1/scorecards")
    assert got.status_code == 200
    assert got.json["period"] == scorecards.containing(utcnow()).previous().key and got.json["complete"]


def test_the_xlsx_carries_the_same_figures(login_as, records):
    supervisor = login_as("supervisor")
    cards = cards_of(supervisor)
    got = supervisor.get(f"/api/v1/scorecards.xlsx?period={PERIOD}")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(got.data))
    summary_rows = [r for r in book["考核汇总"].iter_rows(values_only=True) if isinstance(r[0], int)]
    expected = [(u["rank"], u["unit_name"], u["score"]) for u in cards["units"]]
    assert [(r[0], r[1], r[2]) for r in summary_rows] == expected
    detail = {(r[1], r[2]): r for r in book["指标明细"].iter_rows(min_row=2, values_only=True)}
    for unit in cards["units"]:
        for entry in unit["lines"]:
            row = detail[(unit["unit_name"], entry["name"])]
            assert (row[4], row[5], row[7], row[9]) == (entry["part"], entry["whole"], entry["count"], entry["weight"])
            assert row[10] == (entry["points"] if entry["applies"] else "不适用")
    # an officer's sheet holds only their street
    mine = load_workbook(io.BytesIO(login_as("station_officer").get(f"/api/v1/scorecards.xlsx?period={PERIOD}").data))
    assert [r[1] for r in mine["考核汇总"].iter_rows(values_only=True) if isinstance(r[0], int)] == ["民族街道"]


@pytest.mark.parametrize(
    "value", ["[1]", '{"street": {"closure": -1}}', '{"street": {"closure_rate": 30}}', '{"x": {}}']
)
def test_a_weighting_the_scorecards_cannot_use_stops_the_start(value):
    with pytest.raises(ConfigError):
        _weights({"SCORECARD_WEIGHTS": value}, "SCORECARD_WEIGHTS")
    assert _weights({"SCORECARD_WEIGHTS": '{"street": {"closure": 30}}'}, "SCORECARD_WEIGHTS") == {
        "street": {"closure": 30}
    }


def test_the_cards_read_in_english_on_request(login_as):
    got = login_as("supervisor").get(f"/api/v1/scorecards?period={PERIOD}", headers={"Accept-Language": "en"})
    assert got.status_code == 200 and got.json["label"] == "2026 period 5 (Sep–Oct)"
    closure = got.json["units"][0]["lines"][0]  # no hazard in the period here: 0/0
    assert closure["name"] == "Hazard closure rate" and closure["explanation"].startswith("0/0: does not apply")
