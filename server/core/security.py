"""The HTTP edge: security headers on every response, the proxies trusted, routing refused before any work."""

import base64
import hashlib
import re

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from server.core.api import malformed_id_404


def _policy(*directives: str) -> str:
    return "; ".join(directives)


# The field app (pwa/dist, served by server/web): its scripts, styles, manifest and service worker are files
# of its own origin (Vite emits no inline script or style; the page's one inline script is allowed by its hash,
# field_app_page_policy); photo previews and thumbnails are blob: URLs; the
# camera's stream goes to the <video> as an object, which no directive governs.
FIELD_APP_POLICY = _policy(
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
# Everything else is data (JSON, photos, PDFs) or a redirect: nothing in it may load or run anything.
API_POLICY = _policy("default-src 'none'", "frame-ancestors 'none'")
# The API docs (flask-smorest's Swagger UI page): the bundle and its styles from server/core/meta.py, icons as
# data: URIs in its CSS, the document and "Try it out" from this origin, and the page's one inline script,
# allowed by its hash (_docs_policy).
DOCS_DIRECTIVES = (
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)
DOCS_PAGE = "api-docs.openapi_swagger_ui"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)

HSTS = "max-age=31536000"  # a year


def init_app(app: Flask):
    """Install the edge; before the Api is made, since it decides whether the docs are served at all."""
    if not app.config["API_DOCS"]:
        app.config["OPENAPI_URL_PREFIX"] = None  # flask-smorest then serves neither the docs nor the document
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Only then do the client's address (login throttling) and the scheme (HSTS, tag URLs) come from the
        # proxy's X-Forwarded-For/-Proto; the Host header stays the one the proxy passes on.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    app.before_request(refuse_unroutable)
    app.after_request(secure)


def refuse_unroutable():
    """An untrusted Host (400), an unknown path (404) or a method the path has not (405, with Allow) is refused
    before any other hook: Flask would only raise it after them, so a PUT to a POST-only path got the JSON
    body check's 415."""
    if request.routing_exception is not None:
        malformed_id_404(request.routing_exception)
        current_app.raise_routing_exception(request)


def secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")  # tag URLs and ids are in our paths and queries
    headers.setdefault("Content-Security-Policy", _content_policy(response))
    if current_app.config["APP_ENV"] == "production" and request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/v1/") and not response.cache_control.private:
        # Answers of the API are the caller's own (a token, their scope's records): no cache keeps them, except
        # those a view lets the caller's own browser keep (photo copies, documents' PDFs: `private`).
        headers["Cache-Control"] = "no-store"
    return response


def _with_images(policy: str) -> str:
    """The field app's policy with the configured map tiles' origins among its images (IMAGE_ORIGINS: the map's
    provider, server/maps/tiles.py), if any."""
    origins = current_app.config.get("IMAGE_ORIGINS") or ()
    if not origins:
        return policy
    return policy.replace("img-src 'self' blob:", " ".join(["img-src 'self' blob:", *origins]), 1)


def _content_policy(response: Response) -> str:
    if request.blueprint == "web":
        return _with_images(FIELD_APP_POLICY)
    if request.endpoint == DOCS_PAGE:
        return _docs_policy(response)
    return API_POLICY


def _script_hashes(page: bytes) -> list[str]:
    digests = (hashlib.sha256(script).digest() for script in INLINE_SCRIPT.findall(page))
    return [f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests]


def _docs_policy(response: Response) -> str:
    # The page is flask-smorest's template filled with the app's own settings, nothing from the request, so
    # the hash of what it holds is the hash of what flask-smorest wrote.
    return _policy(*DOCS_DIRECTIVES, " ".join(["script-src 'self'", *_script_hashes(response.get_data())]))


def field_app_page_policy(page: bytes) -> str:
    """The policy of the field app's page (index.html, a file of the build): FIELD_APP_POLICY, and the page's
    inline boot script (pwa/src/boot.js, which must arrive with the page to recover its other files from a bad
    network) allowed by its hash. Nothing else inline runs."""
    hashes = _script_hashes(page)
    if not hashes:
        return _with_images(FIELD_APP_POLICY)
    return _with_images(FIELD_APP_POLICY).replace("script-src 'self'", " ".join(["script-src 'self'", *hashes]), 1)
