"""The demo's year gives the two-monthly scorecards (双月考核) something to tell on first start: the streets differ,
in their patrols as in their hazards, and the departments' cards have their lines filled."""

from tests.demo.test_demo_inspections import token_of

STREETS = 14


def test_the_streets_scorecards_differ_on_first_start(client):
    supervisor = token_of(client, "demo-supervisor")
    streets = client.get("/api/v1/scorecards?level=street", headers=supervisor)
    assert streets.status_code == 200, streets.json
    cards = streets.json["units"]
    assert len(cards) == STREETS and streets.json["ranked"] == STREETS and streets.json["demo_weighting"]
    scores = [c["score"] for c in cards]
    assert len(set(scores)) >= STREETS // 2 and max(scores) - min(scores) >= 5, scores
    lines = [{line["key"]: line for line in c["lines"]} for c in cards]
    coverage = [line["patrol_coverage"] for line in lines]
    assert all(c["whole"] > 0 for c in coverage)  # every street has sites to patrol
    assert any(c["part"] < c["whole"] for c in coverage) and any(c["part"] == c["whole"] for c in coverage)
    assert all(line["closure"]["whole"] > 0 and line["acknowledged"]["whole"] > 0 for line in lines)
    assert any(line["overdue"]["count"] > 0 for line in lines) and any(line["summonses"]["count"] for line in lines)

    departments = client.get("/api/v1/scorecards?level=department", headers=supervisor)
    assert departments.status_code == 200, departments.json
    by_sector = {c["sector"]: {line["key"]: line for line in c["lines"]} for c in departments.json["units"]}
    assert {"market", "commerce", "fuel_retail"} <= set(by_sector)
    for sector in ("market", "commerce", "fuel_retail"):  # the three that own an assessment checklist
        assert by_sector[sector]["assessments"]["whole"] > 0 and by_sector[sector]["in_time"]["whole"] > 0
