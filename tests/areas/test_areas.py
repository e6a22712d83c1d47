"""The area tree: loaded from the plan's CSV, edited by admins, subtrees found by path."""

from sqlalchemy import select

from server.areas.models import Area
from server.areas.services import ancestors, load_areas_csv
from server.core.db import db


def test_the_district_and_its_streets_come_from_the_csv(app):
    with app.app_context():
        streets = db.session.scalars(select(Area).where(Area.level == "street")).all()
        assert len(streets) == 14
        assert {"民族街道", "汉兴街道", "江汉经济开发区"} <= {s.name for s in streets}
        assert load_areas_csv() == 0  # loading again changes nothing


def test_admin_adds_a_community_and_a_grid(login_as, world):
    admin = login_as("admin")  # street B
    community = admin.post(
        "/api/v1/areas",
        json={"code": "420103002T01", "name": "新社区", "level": "community", "parent_id": world["street_b"]},
    )
    assert community.status_code == 201, community.json
    grid = admin.post(
        "/api/v1/areas",
        json={"code": "420103002T01G1", "name": "新网格一", "level": "grid", "parent_id": community.json["id"]},
    )
    assert grid.status_code == 201
    assert grid.json["path"] == f"{community.json['path']}{grid.json['id']}/"
    within = admin.get(f"/api/v1/areas?within={world['street_b']}&page_size=100").json
    assert {a["name"] for a in within} >= {"花楼街道", "新社区", "新网格一", "测试网格B1-1"}
    assert "民族街道" not in {a["name"] for a in within}


def test_levels_must_nest(login_as, world):
    admin = login_as("district_admin")
    grid_under_street = admin.post(
        "/api/v1/areas", json={"code": "X1", "name": "错层", "level": "grid", "parent_id": world["street_a"]}
    )
    assert grid_under_street.status_code == 422


def test_an_admin_of_one_street_cannot_build_in_another(login_as, world):
    resp = login_as("admin").post(
        "/api/v1/areas", json={"code": "X2", "name": "越界", "level": "community", "parent_id": world["street_a"]}
    )
    assert resp.status_code == 422 and "parent_id" in resp.json["errors"]["json"]


def test_moving_a_community_moves_its_grids_and_their_sites(app, login_as, world):
    admin = login_as("district_admin")
    url = f"/api/v1/areas/{world['comm_a']}"
    moved = admin.patch(
        url, json={"parent_id": world["street_b"]}, headers={"If-Match": admin.get(url).headers["ETag"]}
    )
    assert moved.status_code == 200, moved.json
    with app.app_context():
        grid = db.session.get(Area, world["grid_a1"])
        assert [a.name for a in ancestors(grid)] == ["江汉区", "花楼街道", "测试社区A1"]
    # the street B officer now sees the market in the moved grid; the street A officer no longer does
    assert login_as("station_officer").get(f"/api/v1/sites/{world['market_site']}").status_code == 404
    assert login_as("station_officer_b").get(f"/api/v1/sites/{world['market_site']}").status_code == 200


def test_an_area_cannot_move_under_itself(login_as, world):
    admin = login_as("district_admin")
    url = f"/api/v1/areas/{world['street_a']}"
    resp = admin.patch(url, json={"parent_id": world["comm_a"]}, headers={"If-Match": admin.get(url).headers["ETag"]})
    assert resp.status_code == 422


def test_codes_are_unique(login_as, world):
    resp = login_as("district_admin").post(
        "/api/v1/areas", json={"code": "420103001", "name": "重复", "level": "street", "parent_id": world["district"]}
    )
    assert resp.status_code == 409 and resp.json["code"] == "duplicate_code"
