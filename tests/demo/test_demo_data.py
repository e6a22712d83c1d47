"""The demo data: the plan's figures, loaded once however often it runs, and demo logins that see their beat."""

import json
from collections import Counter

from sqlalchemy import func, select

from server.areas.models import Area
from server.core.db import db
from server.demo.loader import DEMO_GRID, DEMO_PASSWORD, DEMO_STREET, load
from server.enterprises.models import Enterprise
from server.enterprises.uscc import problem
from server.people.models import RoleAssignment, User
from server.sites.models import Site
from server.tags.models import SiteTag
from server.tags.services import resolve

TABLES = (Area, User, RoleAssignment, Enterprise, Site, SiteTag)


def snapshot():
    """Row counts of every table the loader writes, and the latest edit of those that keep one."""
    rows = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}
    edits = {
        model.__tablename__: db.session.scalar(select(func.max(model.updated_at)))
        for model in TABLES
        if hasattr(model, "updated_at")
    }
    return rows, edits


def not_demo_counts():
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model).where(~model.is_demo))
        for model in (Area, User, Enterprise, Site)
    }


def role_holders(role):
    return select(RoleAssignment).join(User).where(RoleAssignment.role == role, User.is_demo)


def test_load_adds_the_plans_figures_once(app):
    with app.app_context():
        (rows_before, _), not_demo_before = snapshot(), not_demo_counts()
        counts = load()
        rows_after, edits_after = snapshot()
        for name, table in (("areas", "areas"), ("users", "users"), ("enterprises", "enterprises"), ("sites", "sites")):
            assert counts[name] == rows_after[table] - rows_before[table] > 0

        site_types = Counter(db.session.scalars(select(Site.type).where(Site.is_demo)))
        assert (site_types["gas_station"], site_types["mall"], site_types["market"]) == (14, 24, 78)
        demo_areas = select(func.count()).select_from(Area).where(Area.is_demo)
        grids = db.session.scalar(demo_areas.where(Area.level == "grid"))
        communities = db.session.scalar(demo_areas.where(Area.level == "community"))
        assert 650 <= grids <= 750 and 100 <= communities <= 115
        assert len(db.session.scalars(role_holders("grid_worker")).all()) == grids  # one per grid
        streets = db.session.scalars(select(Area.id).where(Area.level == "street")).all()
        officers = Counter(a.area_id for a in db.session.scalars(role_holders("station_officer")))
        assert set(officers) == set(streets) and all(5 <= n <= 7 for n in officers.values())

        # Everything added is marked as demo, and says so in its name where people read it.
        assert not_demo_counts() == not_demo_before
        for model in (Area, Enterprise, Site):
            assert all("演示" in name for name in db.session.scalars(select(model.name).where(model.is_demo)))
        assert all(problem(code) is None for code in db.session.scalars(select(Enterprise.uscc)))

        # every demo site has a tag to scan, and each code resolves to its own site
        tags = dict(db.session.execute(select(SiteTag.site_id, SiteTag.code)).all())
        assert counts["tags"] == rows_after["site_tags"] - rows_before["site_tags"] > 0
        assert set(tags) == set(db.session.scalars(select(Site.id).where(Site.is_demo)))
        assert all(resolve(code).tag.site_id == site_id for site_id, code in tags.items())

        assert counts["templates"] == 5  # the community patrol, three assessments, the self-check
        assert load() == {
            "areas": 0,
            "users": 0,
            "enterprises": 0,
            "sites": 0,
            "tags": 0,
            "hazards": 0,
            "templates": 0,
            "draws": 0,
            "plans": 0,
            "incidents": 0,
        }
        assert snapshot() == (rows_after, edits_after)


def test_demo_logins_see_only_their_own_beat(app, client):
    with app.app_context():
        load()
        db.session.commit()
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


def test_production_refuses_to_load_the_demo_accounts_whose_password_is_public(app, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "production" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "demo-admin")) == 0


def test_the_demo_enforcement_officers_have_certificate_numbers_given_once(app):
    with app.app_context():
        load()
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
