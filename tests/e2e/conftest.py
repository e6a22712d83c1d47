"""Browser tests of the field app: the real app under gunicorn with the demo data (tests/e2e/live.py),
driven in the system's Chromium. ./scripts/test builds the field app and installs Chromium first.
"""

import io
import math
from pathlib import Path

import pytest
from PIL import Image

import qr.render
from tests.e2e import live

CAMERA_SIZE = (640, 480)


def _ready(check, *args):
    try:
        return check(*args)
    except live.NotReady as exc:
        pytest.fail(str(exc), pytrace=False)


# ---- the server ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory) -> Path:
    """An instance folder migrated to head with the demo data loaded, once per run (it takes a while)."""
    _ready(live.check_built)
    instance = tmp_path_factory.mktemp("demo-instance")
    _ready(live.prepare_demo_instance, instance)
    return instance


@pytest.fixture(scope="session")
def start_live_server(demo_instance, tmp_path_factory):
    """start_live_server() → the base URL of a new server on a fresh copy of the demo data (stopped at
    the end of the run); for a test that must not share the session's server's state. `dist`: serve
    another build of the field app than pwa/dist."""
    servers = []

    def start(dist: Path = live.PWA_DIST) -> str:
        servers.append(_ready(live.LiveServer, demo_instance, tmp_path_factory.mktemp("instance"), dist))
        DATABASES[servers[-1].url] = servers[-1].instance / "safegrid.db"
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_live_server) -> str:
    """The base URL of the app with the demo data, e.g. http://127.0.0.1:40123 (shared by the run)."""
    return start_live_server()


DATABASES: dict[str, Path] = {}  # a live server's URL → its SQLite database


@pytest.fixture
def live_database(live_server) -> Path:
    """The file of the shared live server's database, for a test that compares what the app gave with the rows."""
    return DATABASES[live_server]


# ---- the API, as the demo people --------------------------------------------------------------------


@pytest.fixture(scope="session")
def api_as(playwright, live_server):
    """api_as("demo-grid") → a Playwright request context signed in as that demo account."""
    contexts = {}

    def make(login: str):
        if login not in contexts:
            anonymous = playwright.request.new_context(base_url=live_server)
            resp = anonymous.post("/api/v1/auth/login", data={"login": login, "password": live.DEMO_PASSWORD})
            assert resp.ok, resp.text()
            token = resp.json()["token"]
            anonymous.dispose()
            contexts[login] = playwright.request.new_context(
                base_url=live_server, extra_http_headers={"Authorization": f"Bearer {token}"}
            )
        return contexts[login]

    yield make
    for context in contexts.values():
        context.dispose()


def _ok(resp):
    assert resp.ok, f"{resp.status} {resp.url}: {resp.text()}"
    return resp.json()


def _grid_sites(api_as) -> list[dict]:
    return _ok(api_as("demo-grid").get("/api/v1/sites", params={"page_size": 100}))


def _with_tag(api_as, site: dict) -> dict:
    """The site as the API gives it, plus "tag" (serial, code, url): the demo data's tag, or one demo-admin issues."""
    resp = api_as("demo-grid").get(f"/api/v1/sites/{site['id']}/tag")
    tag = _ok(resp) if resp.status != 404 else _ok(api_as("demo-admin").post(f"/api/v1/sites/{site['id']}/tag"))
    return {**site, "tag": tag}


@pytest.fixture(scope="session")
def demo_site(api_as) -> dict:
    """A site in demo-grid's grid, an enterprise's where there is one, with its live tag."""
    sites = _grid_sites(api_as)
    return _with_tag(api_as, next((site for site in sites if site["enterprise"]), sites[0]))


@pytest.fixture
def compound(api_as) -> dict:
    """A residential compound on demo-grid's beat (the community patrol applies to it), with its live tag."""
    return _with_tag(api_as, next(site for site in _grid_sites(api_as) if site["type"] == "residential_compound"))


def near(site: dict, metres: float = 30) -> dict:
    """A geolocation `metres` north-east of a site (WGS-84), within check-in distance."""
    step = metres / math.sqrt(2) / 111_320
    return {
        "latitude": site["latitude"] + step,
        "longitude": site["longitude"] + step / math.cos(math.radians(site["latitude"])),
        "accuracy": 10,
    }


# ---- the browser ----------------------------------------------------------------------------------


def write_camera_video(path: Path, image: Image.Image) -> Path:
    """Write `image` centred on a white frame as an MJPEG (30 JPEG frames, one after the other), the
    file Chromium's fake camera plays in a loop. Written aside and renamed, so that a camera already
    playing the old file keeps it whole."""
    frame = Image.new("L", CAMERA_SIZE, 255)
    image = image.copy()
    image.thumbnail((CAMERA_SIZE[1] - 40,) * 2)
    frame.paste(image, ((CAMERA_SIZE[0] - image.width) // 2, (CAMERA_SIZE[1] - image.height) // 2))
    jpeg = io.BytesIO()
    frame.convert("RGB").save(jpeg, format="JPEG", quality=90)
    partial = path.with_suffix(".partial")
    partial.write_bytes(jpeg.getvalue() * 30)
    partial.replace(path)
    return path


@pytest.fixture(scope="session")
def camera_video(tmp_path_factory) -> Path:
    """The file the browser's fake camera plays; blank white until a test puts a tag in front of it."""
    return write_camera_video(tmp_path_factory.mktemp("camera") / "camera.mjpeg", Image.new("L", (1, 1), 255))


@pytest.fixture
def tag_video(camera_video):
    """tag_video(url) → the camera's video, now showing the QR code of a tag's URL (as printed on its
    label). Chromium reads the file each time a page opens the camera, so call it before the page does."""
    yield lambda url: write_camera_video(camera_video, qr.render.qr_image(url))
    write_camera_video(camera_video, Image.new("L", (1, 1), 255))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, camera_video):
    return {
        **browser_type_launch_args,
        "executable_path": _ready(live.chromium),
        "args": [
            *live.CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_video}",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server, demo_site):
    """Every page: a phone-sized screen in Chinese, at demo_site, with the camera and location allowed."""
    return {
        **browser_context_args,
        **live.PHONE,
        "base_url": live_server,
        "permissions": ["camera", "geolocation"],
        "geolocation": near(demo_site),
    }


# Reports each Content-Security-Policy violation of a page (a script, style, image or connection the policy
# blocked) to the test, through a binding the context exposes.
CSP_WATCH = """document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(
  `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} in ${e.sourceFile || e.documentURI}`
  + `:${e.lineNumber}`));"""


class CspWatch:
    """The violations seen in the watched contexts' pages; any left at the end of a test fails it."""

    def __init__(self):
        self.violations = []

    def watch(self, context):
        context.expose_binding("__cspViolation", lambda _source, text: self.violations.append(text))
        context.add_init_script(CSP_WATCH)
        return context


@pytest.fixture(autouse=True)
def csp(request):
    """Every page of a browser test runs under the field app's Content-Security-Policy, and no flow may trip
    it: the test's `context` is watched, and one a test makes itself is watched with csp.watch(context)."""
    watcher = CspWatch()
    if "context" in request.fixturenames:
        watcher.watch(request.getfixturevalue("context"))
    yield watcher
    assert not watcher.violations, watcher.violations


@pytest.fixture
def sign_in(page):
    """sign_in("demo-grid") → `page`, on the app's home screen, signed in through its login form."""
    return lambda login: live.sign_in(page, "/", login)


@pytest.fixture
def screen_as(browser, browser_context_args, csp):
    """screen_as(login, screen) → a page of a new browser context of that screen (live.DESK, live.PHONE_360, over
    the phone's), watched for the policy, signed in as `login`; the contexts are closed after the test."""
    contexts = []

    def open_as(login: str, screen: dict = live.DESK):
        context = csp.watch(browser.new_context(**{**browser_context_args, **screen, "accept_downloads": True}))
        contexts.append(context)
        return live.sign_in(context.new_page(), "/", login)

    yield open_as
    for context in contexts:
        context.close()
