"""The demo data: the plan's figures, loaded once however often it runs, and demo logins that see their beat."""

import json

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.demo.loader import DEMO_GRID, DEMO_PASSWORD, DEMO_STREET, load
from server.people.models import RoleAssignment, User


def test_demo_logins_see_only_their_own_beat(app, client):
    with app.app_context():
        grid_id = db.session.scalars(select(Area.id).where(Area.code == DEMO_GRID)).one()
        street = db.session.scalars(select(Area).where(Area.code == DEMO_STREET)).one()
        street_grids = set(
            db.session.scalars(
                select(Area.id).where(Area.level == "grid", Area.path.startswith(street.path, autoescape=True))
            )
        )

    grid_sites = sites_seen_by(client, "demo-grid")
    assert len(grid_sites) >= 3
    assert {s["grid"]["id"] for s in grid_sites} == {grid_id}

    station_sites = sites_seen_by(client, "demo-station")
    seen_grids = {s["grid"]["id"] for s in station_sites}
    assert seen_grids <= street_grids and len(seen_grids) > 1
    assert {s["id"] for s in grid_sites} < {s["id"] for s in station_sites}

    # The demo enterprise's market is one of the sites on demo-grid's beat.
    enterprise_sites = sites_seen_by(client, "demo-enterprise")
    assert [s["type"] for s in enterprise_sites] == ["market"]
    assert enterprise_sites[0]["id"] in {s["id"] for s in grid_sites}


def sites_seen_by(client, username):
    login = client.post("/api/v1/auth/login", json={"login": username, "password": DEMO_PASSWORD})
    assert login.status_code == 201, login.json
    listed = client.get("/api/v1/sites?page_size=100", headers={"Authorization": f"Bearer {login.json['token']}"})
    assert listed.status_code == 200, listed.json
    assert json.loads(listed.headers["X-Pagination"])["total"] == len(listed.json)  # nothing on a later page
    return listed.json


def test_the_demo_enforcement_officers_have_certificate_numbers_given_once(app):
    with app.app_context():
        held = select(RoleAssignment.user_id).where(RoleAssignment.role == "enforcement_officer")
        officers = {u.username: u for u in db.session.scalars(select(User).where(User.is_demo, User.id.in_(held)))}
        assert {name: u.certificate_no for name, u in officers.items()} == {
            "demo-enforcement": "420103000001",
            "enforcement-2": "420103000002",
        }  # two, to sign an order together
        # loaded before numbers were given (or one changed by an admin since): the missing one is given, none changed
        officers["demo-enforcement"].certificate_no = None
        officers["enforcement-2"].certificate_no = "42010399999999"
        db.session.flush()
        assert load()["users"] == 0
        assert officers["demo-enforcement"].certificate_no == "420103000001"
        assert officers["enforcement-2"].certificate_no == "42010399999999"
