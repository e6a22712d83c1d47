"""Malformed input of every kind gets a 4xx in the one error shape that says what is wrong; never a 500."""

import json

import pytest

from server.core.db import db
from server.sites.models import Site

SITE = {"name": "新场所", "type": "market", "latitude": 30.59, "longitude": 114.27}


def site_body(world, **changes):
    return {**SITE, "grid_id": world["grid_a1"], **changes}


# (what is wrong, method, url, request kwargs (a callable of the world), status, code, where the error points)
CASES = [
    (
        "wrong type",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, name=5)},
        422,
        "validation_error",
        ("json", "name"),
    ),
    (
        "unknown field",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, colour="red")},
        422,
        "validation_error",
        ("json", "colour"),
    ),
    (
        "missing field",
        "post",
        "/api/v1/sites",
        lambda w: {"json": {"name": "x"}},
        422,
        "validation_error",
        ("json", "type"),
    ),
    (
        "null where not allowed",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, type=None)},
        422,
        "validation_error",
        ("json", "type"),
    ),
    (
        "latitude out of range",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, latitude=91)},
        422,
        "validation_error",
        ("json", "latitude"),
    ),
    (
        "NaN is not JSON",
        "post",
        "/api/v1/sites",
        lambda w: {"data": json.dumps(site_body(w)).replace("30.59", "NaN"), "content_type": "application/json"},
        400,
        "bad_request",
        ("json",),
    ),
    (
        "area id too large",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, grid_id=10**30)},
        422,
        "validation_error",
        ("json", "grid_id"),
    ),
    (
        "string too long",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, name="长" * 201)},
        422,
        "validation_error",
        ("json", "name"),
    ),
    (
        "NUL character",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, name="a\x00b")},
        422,
        "validation_error",
        ("json", "_schema"),
    ),
    (
        "a JSON scalar instead of an object",
        "post",
        "/api/v1/sites",
        lambda w: {"json": False},
        422,
        "validation_error",
        ("json", "_schema"),
    ),
    (
        "list instead of object",
        "post",
        "/api/v1/sites",
        lambda w: {"json": [site_body(w)]},
        422,
        "validation_error",
        ("json", "_schema"),
    ),
    (
        "bad UUID in the body",
        "post",
        "/api/v1/sites",
        lambda w: {"json": site_body(w, enterprise_id="nope")},
        422,
        "validation_error",
        ("json", "enterprise_id"),
    ),
    ("bad UUID in the path", "get", "/api/v1/sites/12345", lambda w: {}, 404, "malformed_id", None),
    (
        "bad UUID in the query",
        "get",
        "/api/v1/sites?enterprise_id=xyz",
        lambda w: {},
        422,
        "validation_error",
        ("query", "enterprise_id"),
    ),
    (
        "unknown query parameter",
        "get",
        "/api/v1/sites?colour=red",
        lambda w: {},
        422,
        "validation_error",
        ("query", "colour"),
    ),
    ("page zero", "get", "/api/v1/sites?page=0", lambda w: {}, 422, "validation_error", ("query", "page")),
    (
        "page number absurd",
        "get",
        "/api/v1/sites?page=922337203685477582",
        lambda w: {},
        422,
        "validation_error",
        ("query", "page"),
    ),
    (
        "page too large",
        "get",
        "/api/v1/sites?page_size=1000",
        lambda w: {},
        422,
        "validation_error",
        ("query", "page_size"),
    ),
    ("NUL in the query", "get", "/api/v1/sites?q=a%00b", lambda w: {}, 422, "validation_error", ("query",)),
    (
        "broken JSON",
        "post",
        "/api/v1/sites",
        lambda w: {"data": '{"name": ', "content_type": "application/json"},
        400,
        "bad_request",
        ("json",),
    ),
    (
        "JSON nested too deep",
        "post",
        "/api/v1/sites",
        lambda w: {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
        400,
        "bad_request",
        ("json",),
    ),
    (
        "not UTF-8",
        "post",
        "/api/v1/sites",
        lambda w: {"data": b'{"name": "\xff"}', "content_type": "application/json"},
        400,
        "bad_request",
        ("json",),
    ),
    (
        "oversized body",
        "post",
        "/api/v1/sites",
        lambda w: {"data": json.dumps(site_body(w, address="x" * 2_000_000)), "content_type": "application/json"},
        413,
        "payload_too_large",
        None,
    ),
    (
        "form instead of JSON",
        "post",
        "/api/v1/sites",
        lambda w: {"data": {"name": "x"}},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "text instead of JSON",
        "post",
        "/api/v1/sites",
        lambda w: {"data": "name=x", "content_type": "text/plain"},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "edit without If-Match",
        "patch",
        "/api/v1/sites/{market_site}",
        lambda w: {"json": {"name": "x"}},
        428,
        "precondition_required",
        None,
    ),
    (
        "edit with a stale If-Match",
        "patch",
        "/api/v1/sites/{market_site}",
        lambda w: {"json": {"name": "x"}, "headers": {"If-Match": '"0123456789abcdef"'}},
        412,
        "precondition_failed",
        None,
    ),
    ("wrong method", "delete", "/api/v1/sites", lambda w: {}, 405, "method_not_allowed", None),
    ("no such endpoint", "get", "/api/v1/nothing-here", lambda w: {}, 404, "not_found", None),
    (
        "area id too large in the path",
        "get",
        "/api/v1/areas/99999999999999999999",
        lambda w: {},
        404,
        "not_found",
        None,
    ),
]


@pytest.mark.parametrize("what,method,url,kwargs,status,code,where", CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_a_clear_4xx(app, login_as, world, what, method, url, kwargs, status, code, where):
    caller = login_as("station_officer")
    with app.app_context():
        before = db.session.query(Site).count()
    resp = getattr(caller, method)(url.format(**world), **kwargs(world))
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    body = resp.json
    assert body["code"] == code and body["status"] == status and body["message"]
    node = body.get("errors")
    for key in where or ():
        assert key in node, body
        node = node[key]
    with app.app_context():
        assert db.session.query(Site).count() == before, "nothing is half-written"


def test_messages_are_chinese_by_default_and_english_on_request(login_as, world):
    caller = login_as("station_officer")
    zh = caller.post("/api/v1/sites", json=site_body(world, latitude="北纬"))
    en = caller.post("/api/v1/sites", json=site_body(world, latitude="north"), headers={"Accept-Language": "en-GB"})
    assert zh.json["message"] == "提交的数据有误"
    assert zh.json["errors"]["json"]["latitude"] == ["不是有效的数字。"]
    assert en.json["message"] == "The submitted data is invalid"
    assert en.json["errors"]["json"]["latitude"] == ["Not a valid number."]


def test_without_a_token_every_api_read_asks_for_login(client, world):
    for url in (
        "/api/v1/me",
        "/api/v1/sites",
        f"/api/v1/sites/{world['market_site']}",
        "/api/v1/enterprises",
        "/api/v1/users",
        "/api/v1/areas",
    ):
        resp = client.get(url)
        assert resp.status_code == 401 and resp.json["code"] == "unauthenticated", url


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-real-token", "token"])
def test_a_bad_authorization_header_is_a_401_that_says_so(client, header):
    resp = client.get("/api/v1/me", headers={"Authorization": header})
    assert resp.status_code == 401
    assert resp.json["code"] in ("bad_authorization", "token_invalid")
