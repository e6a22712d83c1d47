"""The map (一张图): GeoJSON of the scope's sites, hazards and check-ins, [lon, lat] WGS-84, in a bbox, filtered as the
lists are, clustered on a grid when zoomed out; the configured tiles."""

from server.config import load_config
from server.maps import features, tiles
from tests.hazards.test_loop import report

CITY = "113.9,30.3,114.7,30.9"  # Wuhan's centre, west,south,east,north


def layer(caller, kind, **query):
    resp = caller.get(f"/api/v1/map/{kind}", query_string=query)
    assert resp.status_code == 200, resp.json
    assert resp.mimetype == "application/geo+json"
    return resp.json


def test_a_station_sees_its_streets_sites_and_hazards_and_nothing_else(login_as, world):
    station, other = login_as("station_officer"), login_as("station_officer_b")
    mine = report(station, world, latitude=30.5901, longitude=114.2702)
    theirs = report(other, world, site_id=str(world["mall_site"]), latitude=30.58, longitude=114.28)
    sites = layer(station, "sites")
    assert sites["type"] == "FeatureCollection" and not sites["clustered"]
    assert {f["properties"]["name"] for f in sites["features"]} == {"测试农贸市场", "测试消防通道"}
    hazards = layer(station, "hazards")
    assert [f["properties"]["id"] for f in hazards["features"]] == [mine["id"]]
    point = hazards["features"][0]["geometry"]
    assert point == {"type": "Point", "coordinates": [114.2702, 30.5901]}  # RFC 7946: longitude first
    assert theirs["id"] in {f["properties"]["id"] for f in layer(login_as("supervisor"), "hazards")["features"]}


def test_the_bbox_and_the_lists_filters_narrow_the_layer(login_as, world):
    station = login_as("station_officer")
    near = report(station, world, latitude=30.5901, longitude=114.2702, level="major")
    far = report(station, world, latitude=30.70, longitude=114.40)
    inside = layer(station, "hazards", bbox="114.2,30.5,114.3,30.6")
    assert [f["properties"]["id"] for f in inside["features"]] == [near["id"]]
    assert {f["properties"]["id"] for f in layer(station, "hazards", bbox=CITY)["features"]} == {near["id"], far["id"]}
    assert [f["properties"]["id"] for f in layer(station, "hazards", level="major")["features"]] == [near["id"]]
    assert layer(station, "hazards", open="false")["features"] == []
    for bad in ("1,2,3", "114.3,30.5,114.2,30.6", "a,b,c,d", "200,0,210,1"):
        resp = station.get("/api/v1/map/hazards", query_string={"bbox": bad})
        assert resp.status_code == 422 and "bbox" in resp.json["errors"]["query"], bad
    assert station.get("/api/v1/map/hazards", query_string={"zoom": 40}).status_code == 422


def test_zoomed_out_the_points_are_counted_by_cell(login_as, world):
    station = login_as("station_officer")
    for offset in range(4):
        report(station, world, latitude=30.5901 + offset * 1e-4, longitude=114.2702, level="major")
    report(station, world, latitude=30.75, longitude=114.55)
    clusters = layer(station, "hazards", bbox=CITY, zoom=10)
    assert clusters["clustered"]
    counts = sorted((f["properties"]["count"], f["properties"]["major"]) for f in clusters["features"])
    assert counts == [(1, 0), (4, 4)]
    big = next(f for f in clusters["features"] if f["properties"]["count"] == 4)
    lon, lat = big["geometry"]["coordinates"]
    assert abs(lon - 114.2702) < 1e-6 and abs(lat - 30.59025) < 1e-6  # the mean of its points
    # zoomed in, the points themselves
    assert len(layer(station, "hazards", bbox=CITY, zoom=16)["features"]) == 5
    # one without a fix of its own is counted at its site, zoomed out and in
    unplaced = report(station, world, latitude=None, longitude=None, accuracy_m=None)
    assert sum(f["properties"]["count"] for f in layer(station, "hazards", bbox=CITY, zoom=10)["features"]) == 6
    drawn = {f["properties"]["id"]: f for f in layer(station, "hazards", zoom=16)["features"]}
    site = layer(station, "sites", zoom=16, type="market")["features"][0]
    assert drawn[unplaced["id"]]["geometry"] == site["geometry"]


def test_cells_halve_with_each_zoom_level():
    assert features.cell_degrees(0) == 360 * features.CELL_PX / 256
    assert features.cell_degrees(11) * 2 == features.cell_degrees(10)


def test_check_ins_are_drawn_at_their_fix_or_their_site(login_as, world):
    supervisor = login_as("supervisor")
    assert layer(supervisor, "checkins")["features"] == []
    assert layer(supervisor, "sites", type="mall")["features"][0]["properties"]["name"] == "测试商场"


def test_a_role_without_the_map_is_refused(login_as):
    for person in ("grid_worker", "enterprise_user"):
        assert login_as(person).get("/api/v1/map/sites").status_code == 403


def test_tiles_come_from_the_configured_provider(app, login_as, monkeypatch):
    station = login_as("station_officer")
    assert station.get("/api/v1/map/tiles").json["provider"] == "none"
    monkeypatch.setitem(app.config, "MAP_TILES", "tianditu")
    monkeypatch.setitem(app.config, "TIANDITU_KEY", "k" * 32)
    got = station.get("/api/v1/map/tiles").json
    assert got["provider"] == "tianditu" and got["crs"] == "wgs84" and len(got["layers"]) == 2
    assert all(url.endswith("tk=" + "k" * 32) and "{z}" in url for url in got["layers"])
    monkeypatch.setitem(app.config, "MAP_TILES", "gaode")
    assert station.get("/api/v1/map/tiles").json["crs"] == "gcj02"
    assert tiles.image_origins({"MAP_TILES": "none"}) == ()
    assert tiles.image_origins({"MAP_TILES": "tianditu", "TIANDITU_KEY": "x"}) == ("https://*.tianditu.gov.cn",)


def test_the_configured_tiles_origin_joins_the_field_apps_images_and_only_then(app, client, monkeypatch, tmp_path):
    assert load_config(tmp_path, {"TIANDITU_KEY": "k"})["IMAGE_ORIGINS"] == ("https://*.tianditu.gov.cn",)
    assert load_config(tmp_path, {})["IMAGE_ORIGINS"] == ()
    assert "tianditu" not in client.get("/").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "IMAGE_ORIGINS", ("https://*.tianditu.gov.cn",))
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' blob: https://*.tianditu.gov.cn" in policy
    assert "tianditu" not in client.get("/api/v1/health").headers["Content-Security-Policy"]
