"""The field app (现场端 PWA): the files Vite built into pwa/dist, served at / beside the API."""

from pathlib import Path

from flask import Blueprint, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from server.config import PROJECT_ROOT
from server.core.cache import memoised
from server.core.security import field_app_page_policy

web = Blueprint("web", __name__)

# Files under assets/ are named by their content hash, so one never changes: keep it a year. Every
# other file (index.html, sw.js, the manifest, icons) keeps its name across releases, so the browser
# revalidates it each time and a new release reaches the phones on their next start.
HASHED = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class FieldAppPath(PathConverter):
    """Any path but the server's own: the API (/api/…) and the short URLs printed on tags (/s/…, /S/…)."""

    regex = r"(?!(?:api|s|S)(?:/|$))[^/].*?"


@web.record_once
def _setup(state):
    state.app.config.setdefault("PWA_DIST", str(PROJECT_ROOT / "pwa" / "dist"))
    state.app.url_map.converters["field_app_path"] = FieldAppPath


def _send(path: str, cache_control: str = REVALIDATE):
    response = send_from_directory(current_app.config["PWA_DIST"], path)
    response.headers["Cache-Control"] = cache_control
    if path == "index.html":
        page = Path(current_app.config["PWA_DIST"], path)
        found = page.stat()
        response.headers["Content-Security-Policy"] = _page_policy(str(page), found.st_mtime_ns, found.st_size)
    return response


@memoised(maxsize=8)
def _page_policy(page: str, _mtime_ns: int, _size: int) -> str:
    # read once per build of the page (its time and size are part of the key)
    return field_app_page_policy(Path(page).read_bytes())


def _is_navigation() -> bool:
    # Browsers name text/html when they load a page; scripts, images and fetch() send */*, and a file
    # missing for them must stay a 404 rather than come back as the app's HTML.
    return any(mimetype == "text/html" for mimetype, _ in request.accept_mimetypes)


@web.get("/")
def front_door():
    try:
        return _send("index.html")
    except NotFound:  # not built (./scripts/serve builds it): the API docs are all there is to see
        if not current_app.config["API_DOCS"]:
            raise
        return redirect("/api/docs")


@web.get("/assets/<path:filename>")
def hashed_asset(filename):
    return _send(f"assets/{filename}", HASHED)


@web.get("/<field_app_path:path>")
def field_app_file(path):
    """A file of the built app; for any other page the browser loads, the app, whose router shows it."""
    try:
        return _send(path)
    except NotFound:
        if not _is_navigation():
            raise
        return _send("index.html")
