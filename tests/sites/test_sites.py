"""Registering, editing and finding sites."""


def new_site(world, **changes):
    return {
        "name": "滑坡村涵洞",
        "type": "culvert_underpass",
        "address": "江汉区新华路下穿通道",
        "latitude": 30.5931,
        "longitude": 114.2675,
        "grid_id": world["grid_a2"],
        **changes,
    }


def test_a_public_place_needs_no_enterprise(login_as, world):
    caller = login_as("station_officer")
    resp = caller.post("/api/v1/sites", json=new_site(world))
    assert resp.status_code == 201, resp.json
    assert resp.json["enterprise"] is None
    assert resp.json["grid"]["name"] == "测试网格A1-2"
    assert resp.json["risk_level"] == "general"
    assert caller.get(f"/api/v1/sites/{resp.json['id']}").json["latitude"] == 30.5931


def test_a_site_belongs_to_a_grid_not_a_street(login_as, world):
    resp = login_as("station_officer").post("/api/v1/sites", json=new_site(world, grid_id=world["street_a"]))
    assert resp.status_code == 422 and "grid_id" in resp.json["errors"]["json"]


def test_an_enterprise_outside_your_scope_cannot_be_cited(login_as, world):
    resp = login_as("station_officer").post("/api/v1/sites", json=new_site(world, enterprise_id=str(world["mall"])))
    assert resp.status_code == 422 and "enterprise_id" in resp.json["errors"]["json"]


def test_a_station_cannot_place_a_site_in_another_street(login_as, world):
    resp = login_as("station_officer").post("/api/v1/sites", json=new_site(world, grid_id=world["grid_b1"]))
    assert resp.status_code == 422 and resp.json["code"] == "outside_scope"


def test_moving_a_site_out_of_your_street_is_refused_and_nothing_changes(login_as, world):
    caller = login_as("station_officer")
    url = f"/api/v1/sites/{world['fire_lane']}"
    etag = caller.get(url).headers["ETag"]
    resp = caller.patch(url, json={"grid_id": world["grid_b1"]}, headers={"If-Match": etag})
    assert resp.status_code == 422
    assert caller.get(url).json["grid"]["id"] == world["grid_a2"]


def test_list_filters_and_pagination(login_as, world):
    caller = login_as("supervisor")
    for i in range(3):
        caller.post("/api/v1/sites", json=new_site(world, name=f"下穿通道{i}"))
    page = caller.get("/api/v1/sites?type=culvert_underpass&page_size=2")
    assert page.status_code == 200 and len(page.json) == 2
    assert '"total": 3' in page.headers["X-Pagination"]
    second = caller.get("/api/v1/sites?type=culvert_underpass&page_size=2&page=2").json
    assert len(second) == 1 and second[0]["id"] not in {s["id"] for s in page.json}
    assert [s["name"] for s in caller.get("/api/v1/sites?q=农贸").json] == ["测试农贸市场"]
    in_b = caller.get(f"/api/v1/sites?area_id={world['street_b']}").json
    assert [s["name"] for s in in_b] == ["测试商场"]
    by_enterprise = caller.get(f"/api/v1/sites?enterprise_id={world['market']}").json
    assert [s["name"] for s in by_enterprise] == ["测试农贸市场"]


def test_an_unchanged_list_answers_304(login_as):
    caller = login_as("grid_worker")
    first = caller.get("/api/v1/sites")
    again = caller.get("/api/v1/sites", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_concurrent_edits_the_second_gets_412_with_nothing_overwritten(login_as, world):
    one, two = login_as("station_officer"), login_as("station_officer")
    url = f"/api/v1/sites/{world['market_site']}"
    etag = one.get(url).headers["ETag"]
    assert two.get(url).headers["ETag"] == etag
    assert one.patch(url, json={"risk_level": "major"}, headers={"If-Match": etag}).status_code == 200
    late = two.patch(url, json={"risk_level": "low"}, headers={"If-Match": etag})
    assert late.status_code == 412
    assert one.get(url).json["risk_level"] == "major"
