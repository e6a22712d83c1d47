"""The demo's first load, onto a database without it: the plan's figures, added once however often it runs; none
in production; and `flask demo load` hands over its own jobs. (tests/demo reads the demo loaded once for all.)"""

from collections import Counter

from sqlalchemy import func, select

from server.areas.models import Area
from server.core.db import db
from server.demo.loader import load
from server.enterprises.models import Enterprise
from server.enterprises.uscc import problem
from server.hazards.models import HazardDocument
from server.people.models import RoleAssignment, User
from server.sites.models import Site
from server.tags.models import SiteTag
from server.tags.services import resolve
from tests.demo.test_demo_history import token_of

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
            "warnings": 0,
            "incidents": 0,
        }
        assert snapshot() == (rows_after, edits_after)


def test_production_refuses_to_load_the_demo_accounts_whose_password_is_public(app, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "production" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "demo-admin")) == 0


def test_the_demo_loads_listing_notices_ready_to_open_not_waiting_for_a_sweep(app, client):
    """`flask demo load` hands over its own jobs when it commits, as a request does: a supervisor opening a listed
    hazard right after the first start finds its 挂牌督办通知书 ready, not 正在生成 for a minute."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        states = Counter(db.session.scalars(select(HazardDocument.state)))
    assert states and set(states) == {"ready"}, states
    headers = token_of(client, "demo-supervisor")
    with app.app_context():
        document = db.session.scalars(select(HazardDocument)).first()
    pdf = client.get(f"/api/v1/hazards/{document.hazard_id}/documents/{document.id}.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), pdf.status_code
