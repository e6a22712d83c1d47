"""The field app served at /: its shell, its hashed assets, its own pages, and never in the API's place."""

import base64
import hashlib

import pytest

from server.core.security import FIELD_APP_POLICY

PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what a browser sends for a page
INDEX = '<!doctype html><html lang="zh-CN"><title>江汉安全网格</title></html>'.encode()


def get(client, path, **kwargs):
    """A GET read to the end and closed (a file response holds its file open until then)."""
    resp = client.get(path, **kwargs)
    resp.get_data()
    resp.close()
    return resp


@pytest.fixture
def dist(app, tmp_path, monkeypatch):
    """A built field app in a folder of its own: the shell, the worker, the manifest, a hashed asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (tmp_path / "manifest.webmanifest").write_text('{"name": "江汉安全网格", "start_url": "/"}')
    (tmp_path / "assets" / "index-Bx12Cd34.js").write_text("console.log('app');")
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path))
    return tmp_path


def test_the_front_door_is_the_field_app_revalidated_on_every_start(client, dist):
    resp = get(client, "/", headers={"Accept": PAGE})
    assert resp.status_code == 200 and resp.data == INDEX
    assert resp.mimetype == "text/html"
    assert resp.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "path, mimetype",
    [
        ("/sw.js", "text/javascript"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/index.html", "text/html"),
    ],
)
def test_the_worker_and_the_manifest_are_never_kept_stale(client, dist, path, mimetype):
    resp = get(client, path)
    assert resp.status_code == 200 and resp.mimetype == mimetype
    assert resp.headers["Cache-Control"] == "no-cache"
    # revalidation answers 304 while the file is unchanged, so a phone re-downloads nothing
    again = get(client, path, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/", "/hazards", "/assets/index-Bx12Cd34.js", "/sw.js", "/manifest.webmanifest"])
def test_the_field_app_runs_nothing_but_its_own_files_and_is_never_framed(client, dist, path):
    resp = get(client, path, headers={"Accept": PAGE})
    assert resp.status_code == 200
    assert resp.headers["Content-Security-Policy"] == FIELD_APP_POLICY  # the worker's own policy is its script's
    policy = dict((name, sources) for name, *sources in (d.split() for d in FIELD_APP_POLICY.split(";")))
    for directive in ("script-src", "style-src", "connect-src", "worker-src"):
        assert policy[directive] == ["'self'"], directive  # no inline code, no eval, no other origin
    assert policy["img-src"] == ["'self'", "blob:"]  # photo previews and thumbnails
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" not in resp.headers["Cache-Control"]  # revalidated or kept, never kept from caches


def directives(policy: str) -> dict:
    return dict((name, sources) for name, *sources in (d.split() for d in policy.split(";")))


@pytest.mark.parametrize("path", ["/", "/index.html", "/hazards"])
def test_the_pages_one_inline_boot_script_runs_by_its_hash_and_nothing_else_inline_does(client, dist, path):
    boot = b"window.addEventListener('error', () => {}, true);"
    (dist / "index.html").write_bytes(INDEX.replace(b"</title>", b"</title><script>" + boot + b"</script>"))
    policy = directives(get(client, path, headers={"Accept": PAGE}).headers["Content-Security-Policy"])
    digest = base64.b64encode(hashlib.sha256(boot).digest()).decode()
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]  # no 'unsafe-inline'
    assert {k: v for k, v in policy.items() if k != "script-src"} == {
        k: v for k, v in directives(FIELD_APP_POLICY).items() if k != "script-src"
    }
    # a new build's page, its boot script changed: the policy follows it
    (dist / "index.html").write_bytes(INDEX.replace(b"</title>", b"</title><script>" + boot * 2 + b"</script>"))
    again = directives(get(client, path, headers={"Accept": PAGE}).headers["Content-Security-Policy"])
    assert again["script-src"] == ["'self'", f"'sha256-{base64.b64encode(hashlib.sha256(boot * 2).digest()).decode()}'"]
    # the worker and the assets stay on the plain policy
    assert get(client, "/sw.js").headers["Content-Security-Policy"] == FIELD_APP_POLICY


def test_hashed_assets_are_kept_for_a_year(client, dist):
    resp = get(client, "/assets/index-Bx12Cd34.js")
    assert resp.status_code == 200 and resp.data == b"console.log('app');"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_asset_is_a_404_not_the_app(client, dist):
    assert get(client, "/assets/index-gone.js", headers={"Accept": PAGE}).status_code == 404
    assert get(client, "/icons/gone.png", headers={"Accept": "image/avif,image/webp,*/*"}).status_code == 404
    assert get(client, "/../instance/secret_key").status_code == 404


@pytest.mark.parametrize("path", ["/hazards", "/hazards/3b1f0b3e-6c2a-4d1e-9d55-1b8a1f0c2d3e", "/login?next=/tasks"])
def test_the_apps_own_pages_load_the_app(client, dist, path):
    resp = get(client, path, headers={"Accept": PAGE})
    assert resp.status_code == 200 and resp.data == INDEX
    assert resp.headers["Cache-Control"] == "no-cache"


def test_the_api_and_tag_urls_never_fall_back_to_the_app(client, dist):
    missing = get(client, "/api/v1/no-such-thing", headers={"Accept": PAGE})
    assert missing.status_code == 404 and missing.json["code"] == "not_found"
    assert get(client, "/api", headers={"Accept": PAGE}).status_code == 404
    assert client.post("/api/v1/no-such-thing", json={}).status_code == 404  # not a 405 from the app's route
    assert client.delete("/api/v1/vocabularies").status_code == 405
    scanned = get(client, "/S/A-1234", headers={"Accept": PAGE})
    assert scanned.status_code == 302 and scanned.headers["Location"] == "/?tag=A-1234"
    assert get(client, "/s", headers={"Accept": PAGE}).status_code == 404


def test_unbuilt_the_front_door_leads_to_the_api_docs(client, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path / "not-built"))
    assert get(client, "/").headers["Location"].endswith("/api/docs")
    assert get(client, "/hazards", headers={"Accept": PAGE}).status_code == 404
