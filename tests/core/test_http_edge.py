"""The HTTP edge: security headers on every kind of answer, no cache keeping the API's, a wrong method refused
before any work (405 with Allow), and production answering only to its own host names, without its docs, and
believing a proxy's X-Forwarded-* only when told to."""

import base64
import hashlib
import re
import uuid

import pytest
from flask import request

from server import create_app
from server.core.db import db
from server.core.security import API_POLICY, HSTS
from tests.conftest import TEST_PASSWORD, app_config
from tests.photos.conftest import fetch, make_photo, put

PUBLIC = "https://safegrid.example.cn"
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "p" * 40,
    "QR_SIGNING_KEYS": "P:0123456789abcdef0123",
    "DATABASE_URL": "postgresql://unused/safegrid",
    "REDIS_URL": "redis://unused:6379/0",
    "PUBLIC_BASE_URL": PUBLIC,
}
EDGE_SETTINGS = ("APP_ENV", "PUBLIC_BASE_URL", "ALLOWED_HOSTS", "TRUSTED_PROXY_HOPS", "API_DOCS")


def directives(response) -> dict:
    """The Content-Security-Policy as {directive: [sources]}."""
    parts = (part.split() for part in response.headers.get("Content-Security-Policy", "").split(";"))
    return {name: sources for name, *sources in parts if name}


@pytest.fixture
def edge_app(app, monkeypatch):
    """edge_app(**env) → an app as create_app builds it from that environment (production unless APP_ENV says
    otherwise), on the test database and inside this test's transaction."""

    def build(**env):
        for name in EDGE_SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in {**PRODUCTION, **env}.items():
            monkeypatch.setenv(name, value)
        bound = db.engine, db.read_engine, db.sessionmaker.kw["bind"]
        try:
            return create_app(app_config(app.config["DATABASE_URL"]))
        finally:
            # create_app bound the one `db` to engines of its own: it goes back to the run's, and this test's
            # connection, so that the new app sees the world and what the test adds to it
            for engine in {db.engine, db.read_engine} - {bound[0], bound[1], None}:
                engine.dispose()
            db.engine, db.read_engine = bound[:2]
            db.sessionmaker.configure(bind=bound[2])

    return build


# ---- every answer ---------------------------------------------------------------------------------------

# (what, the request, as a station officer of street A)
API_ANSWERS = [
    ("a record, signed in", lambda c, w: c.get(f"/api/v1/sites/{w['market_site']}")),
    ("a list, signed in", lambda c, w: c.get("/api/v1/sites")),
    ("a public vocabulary", lambda c, w: c.client.get("/api/v1/vocabularies")),
    (
        "the token a login hands out",
        lambda c, w: c.client.post("/api/v1/auth/login", json={"login": c.user.username, "password": TEST_PASSWORD}),
    ),
    ("an error", lambda c, w: c.get(f"/api/v1/sites/{uuid.uuid4()}")),
    ("a method the path has not", lambda c, w: c.delete("/api/v1/sites")),
    ("a label sheet (PDF)", lambda c, w: c.post("/api/v1/labels", json={"site_ids": [str(w["market_site"])]})),
]


@pytest.mark.parametrize("what, ask", API_ANSWERS, ids=[a[0] for a in API_ANSWERS])
def test_no_api_answer_is_kept_by_a_cache_sniffed_framed_or_allowed_to_load_anything(login_as, world, what, ask):
    resp = ask(login_as("station_officer"), world)
    assert resp.status_code < 500, resp.data[:300]
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"  # tag codes and ids travel in our URLs
    assert resp.headers["Content-Security-Policy"] == API_POLICY
    assert directives(resp) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}
    assert "Strict-Transport-Security" not in resp.headers  # the embedded default, over http


def test_a_photo_keeps_its_own_private_caching_and_is_never_sniffed(login_as):
    worker = login_as("grid_worker")
    photo = put(worker, make_photo()).json
    for url in (photo["urls"]["display"], photo["urls"]["thumb"]):
        resp = fetch(worker, url)
        assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
        caching = resp.cache_control  # the caller's own browser keeps it a year; no shared cache, ever
        assert caching.private and caching.immutable and caching.max_age == 31536000 and not caching.no_store
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Security-Policy"] == API_POLICY


def test_the_docs_page_runs_only_its_own_scripts(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    inline = re.findall(rb"<script>(.*?)</script>", page.data, re.DOTALL)
    assert len(inline) == 1  # flask-smorest's template: the one that starts Swagger UI
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode()
    policy = directives(page)
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]  # no 'unsafe-inline', no other origin
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    asset = client.get("/api/docs/static/swagger-ui.css")
    assert asset.headers["Cache-Control"] == "public, max-age=86400"  # not the API's: kept for a day
    asset.close()


# ---- a wrong method -------------------------------------------------------------------------------------

A_PHOTO = "3b1f0b3e-6c2a-4d1e-9d55-1b8a1f0c2d3e"
# (method, path, what the request carries, the methods the path has)
WRONG_METHODS = [
    ("delete", "/api/v1/sites", {}, {"GET", "POST"}),
    ("post", "/api/v1/vocabularies", {"data": "name=x", "content_type": "text/plain"}, {"GET"}),
    ("put", "/api/v1/photos", {"data": b"\xff\xd8\xff\xe0 a JPEG", "content_type": "image/jpeg"}, {"POST"}),
    ("patch", "/api/v1/photos", {"data": {"id": A_PHOTO}, "content_type": "multipart/form-data"}, {"POST"}),
    (
        "post",
        f"/api/v1/photos/{A_PHOTO}",
        {"data": b"\xff\xd8\xff\xe0 a JPEG", "content_type": "image/jpeg"},
        {"GET", "PUT"},
    ),
    (
        "post",
        f"/api/v1/photos/{A_PHOTO}",
        {"data": {"id": A_PHOTO}, "content_type": "multipart/form-data"},
        {"GET", "PUT"},
    ),
]


@pytest.mark.parametrize(
    "method, path, sent, methods",
    WRONG_METHODS,
    ids=[f"{w[0]} {w[1][8:22]} {w[2].get('content_type', '')}" for w in WRONG_METHODS],
)
def test_a_method_the_path_has_not_is_a_405_naming_those_it_has_whatever_the_body(
    login_as, method, path, sent, methods
):
    resp = getattr(login_as("grid_worker"), method)(path, **sent)
    assert resp.status_code == 405, resp.json  # not the 415 of a body that is not JSON
    assert resp.json["code"] == "method_not_allowed" and resp.json["status"] == 405
    allowed = {m.strip() for m in resp.headers["Allow"].split(",")}
    assert methods <= allowed <= methods | {"HEAD", "OPTIONS"}


# ---- production -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json", "/api/docs/static/swagger-ui-bundle.js"])
def test_production_serves_no_api_docs_unless_told_to(edge_app, path):
    closed = edge_app().test_client().get(path, base_url=PUBLIC)
    assert closed.status_code == 404 and closed.json["code"] == "not_found"
    opened = edge_app(API_DOCS="true").test_client().get(path, base_url=PUBLIC)
    assert opened.status_code == 200
    opened.close()


def test_unbuilt_production_leads_nowhere_rather_than_to_closed_docs(edge_app):
    assert edge_app().test_client().get("/", base_url=PUBLIC).status_code == 404
    assert edge_app(API_DOCS="true").test_client().get("/", base_url=PUBLIC).headers["Location"] == "/api/docs"


# (the Host the request names, ALLOWED_HOSTS, answered?)
HOSTS = [
    ("safegrid.example.cn", "", True),
    ("safegrid.example.cn:443", "", True),
    ("evil.example", "", False),
    ("safegrid.example.cn.evil.example", "", False),
    ("localhost", "", False),
    ("10.0.0.5:8000", "", False),
    ("10.0.0.5:8000", "10.0.0.5", True),  # the address a health check uses, when it is allowed
    ("station.jianghan.gov.cn", ".jianghan.gov.cn", True),
]


@pytest.mark.parametrize("host, allowed, answered", HOSTS)
def test_production_refuses_a_host_that_is_not_its_own(edge_app, host, allowed, answered):
    client = edge_app(ALLOWED_HOSTS=allowed).test_client()
    resp = client.get("/api/v1/health", base_url=f"https://{host}")
    if answered:
        assert resp.status_code == 200, resp.json
    else:
        assert resp.status_code == 400 and resp.json["code"] == "bad_request" and resp.json["status"] == 400
        # before any other check: a body that is not JSON would have been a 415
        assert (
            client.post("/api/v1/sites", data="x", content_type="text/plain", base_url=f"https://{host}").status_code
            == 400
        )


def test_production_prints_tags_for_its_public_address_whatever_host_was_asked(edge_app, login_as, world):
    client = edge_app(ALLOWED_HOSTS="10.0.0.5").test_client()
    station = login_as("station_officer")
    resp = client.post(
        f"/api/v1/sites/{world['market_site']}/tag", headers=station.headers(), base_url="http://10.0.0.5:8000"
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["url"].startswith("HTTPS://SAFEGRID.EXAMPLE.CN/S/")


def peer(app):
    """The app with a view that says what it believes of the request's origin."""
    app.add_url_rule(
        "/edge-test/peer", "edge_test_peer", lambda: {"remote_addr": request.remote_addr, "scheme": request.scheme}
    )
    return app.test_client()


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
# (TRUSTED_PROXY_HOPS, the request's own scheme, headers, the client's address and the scheme believed)
PROXIES = [
    ("0", "http", FORWARDED, "127.0.0.1", "http"),  # anyone can send these headers: without a proxy, ignored
    ("1", "http", FORWARDED, "203.0.113.7", "https"),
    ("1", "http", {**FORWARDED, "X-Forwarded-For": "198.51.100.9, 203.0.113.7"}, "203.0.113.7", "https"),
    ("1", "http", {}, "127.0.0.1", "http"),
    ("0", "https", {}, "127.0.0.1", "https"),  # TLS ends at gunicorn itself
]


@pytest.mark.parametrize("hops, scheme, headers, address, believed", PROXIES)
def test_production_believes_a_proxy_only_when_told_to_and_then_sends_hsts_over_https(
    edge_app, hops, scheme, headers, address, believed
):
    client = peer(edge_app(TRUSTED_PROXY_HOPS=hops))
    resp = client.get("/edge-test/peer", headers=headers, base_url=f"{scheme}://safegrid.example.cn")
    assert resp.json == {"remote_addr": address, "scheme": believed}
    assert resp.headers.get("Strict-Transport-Security") == (HSTS if believed == "https" else None)


def test_the_embedded_default_never_sends_hsts_and_prints_tags_with_the_scheme_it_believes(
    edge_app, login_as, world, client
):
    assert "Strict-Transport-Security" not in client.get("/api/v1/health", base_url="https://localhost").headers
    station = login_as("station_officer")
    for hops, scheme in (("0", "HTTP"), ("1", "HTTPS")):
        behind_proxy = edge_app(APP_ENV="embedded", PUBLIC_BASE_URL="", TRUSTED_PROXY_HOPS=hops).test_client()
        resp = behind_proxy.post(
            f"/api/v1/sites/{world['market_site']}/tag",
            headers=station.headers(FORWARDED),
            base_url="http://safegrid.local",
        )
        assert resp.status_code == 201, resp.json
        assert resp.json["url"].startswith(f"{scheme}://SAFEGRID.LOCAL/S/")
