"""The service as a whole: docs, health, vocabularies, and what an unexpected failure looks like."""

import logging
import re

import pytest

from server.core.api import MAX_PAGE


def test_the_api_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/static/swagger-ui-bundle.js" in page.data
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        resp = client.get(f"/api/docs/static/{asset}")
        assert resp.status_code == 200 and len(resp.data) > 10_000
        resp.close()
    assert client.get("/").headers["Location"].endswith("/api/docs")


def test_the_openapi_document_describes_the_api(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/sites",
        "/api/v1/sites/{site_id}",
        "/api/v1/enterprises",
        "/api/v1/users",
        "/api/v1/areas",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    site_get = spec["paths"]["/api/v1/sites/{site_id}"]["get"]
    assert site_get["security"] == [{"bearerAuth": []}]
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert set(error) == {"code", "status", "message", "errors"}


def _resolved(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _input_strings(spec, schema, where):
    """(where, property schema) of every string a request may carry in a body or query schema."""
    schema = _resolved(spec, schema)
    types = schema.get("type")
    if "string" in (types if isinstance(types, list) else [types]):
        yield where, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _input_strings(spec, sub, f"{where}.{name}")
    if "items" in schema:
        yield from _input_strings(spec, schema["items"], f"{where}[]")


def test_the_document_states_the_limits_the_server_applies(client):
    spec = client.get("/api/openapi.json").json
    strings, paged = [], []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":  # the path's own (its ids), not an operation
                continue
            where = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                if param.get("in") == "query":
                    strings += _input_strings(spec, param["schema"], f"{where} ?{param['name']}")
                if param.get("name") == "page":
                    paged.append(where)
                    assert param["schema"]["maximum"] == MAX_PAGE, where  # beyond it, a 422
            for media in op.get("requestBody", {}).get("content", {}).values():
                strings += _input_strings(spec, media["schema"], where)
            for answer in op["responses"].values():
                if "X-Pagination" in answer.get("headers", {}):  # sent as a string holding JSON
                    header = spec["components"]["headers"]["PAGINATION"]
                    assert list(header["content"]) == ["application/json"], where
    assert len(paged) >= 6 and len(strings) >= 30
    # NUL is refused (StrictSchema): no string the document admits holds one
    for where, schema in strings:
        if "format" not in schema:
            assert "pattern" in schema or "enum" in schema, where
            assert not any("\x00" in str(value) for value in schema.get("enum", [])), where
            assert "pattern" not in schema or not re.search(schema["pattern"], "a\x00b"), where


def test_health_says_what_answers(client, app):
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    assert resp.json == {"database": app.extensions["db"].engine.dialect.name, "jobs": "inline"}


def test_vocabularies_name_every_code_in_chinese_and_english(client):
    vocab = client.get("/api/v1/vocabularies").json
    roles = {r["code"]: r for r in vocab["roles"]}
    assert roles["grid_worker"] == {
        "code": "grid_worker",
        "zh": "社区网格员",
        "en": "Grid worker",
        "scope": "area",
        "area_levels": ["community", "grid"],  # what an admin's form offers for it
    }
    assert roles["enterprise_user"]["scope"] == "enterprise" and roles["enterprise_user"]["area_levels"] == []
    assert {t["code"] for t in vocab["site_types"]} >= {
        "gas_station",
        "mall",
        "market",
        "fire_lane",
        "culvert_underpass",
        "residential_compound",
    }
    assert [t["code"] for t in vocab["area_levels"]] == ["district", "street", "community", "grid"]
    assert [(t["code"], t["zh"]) for t in vocab["hazard_levels"]] == [("general", "一般隐患"), ("major", "重大隐患")]


def test_an_unexpected_failure_is_a_logged_500_in_the_error_shape(app, login_as, world, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("server.sites.services.site_view", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    with caplog.at_level(logging.ERROR, logger="safegrid.errors"):
        resp = login_as("grid_worker").get(f"/api/v1/sites/{world['market_site']}")
    assert resp.status_code == 500
    assert resp.json == {"code": "internal_error", "status": 500, "message": "服务器内部错误"}
    assert "disk on fire" not in resp.get_data(as_text=True)  # no internals leak to the client
    assert any(
        "disk on fire" in (r.exc_text or "") or (r.exc_info and "disk on fire" in str(r.exc_info[1]))
        for r in caplog.records
    )


@pytest.mark.parametrize("method", ["get", "head"])
def test_an_unchanged_site_answers_304(login_as, world, method):
    caller = login_as("grid_worker")
    url = f"/api/v1/sites/{world['market_site']}"
    etag = caller.get(url).headers["ETag"]
    assert getattr(caller, method)(url, headers={"If-None-Match": etag}).status_code == 304
