"""The real app for a browser to drive: gunicorn on the embedded default (SQLite, inline jobs) in a
throwaway instance folder with the demo data, serving a built field app; the system's Chromium. Used by
the e2e tests and by bench/pwa_shell.py."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import expect

from server import PROJECT_ROOT

PWA_DIST = Path(os.environ.get("SAFEGRID_E2E_PWA_DIST") or PROJECT_ROOT / "pwa" / "dist")
DEMO_PASSWORD = "safegrid-demo"
# Flags that keep a headless Chromium quiet and off the network but for the pages it is sent to.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A browser context as a grid worker's phone: its screen, Chinese, the district's time zone.
PHONE = {
    "viewport": {"width": 412, "height": 915},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
# What else a test's screen may be (over PHONE): an office's desk, and the narrowest phone the app is made for.
DESK = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
PHONE_360 = {"viewport": {"width": 360, "height": 640}}


class NotReady(RuntimeError):
    """What the browser needs is missing: the built field app, Chromium, or a server that starts."""


def chromium() -> str:
    """The system's Chromium (Debian's package, which scripts/test installs), never a downloaded one."""
    path = shutil.which("chromium")
    if not path:
        raise NotReady(
            "the browser tests need Debian's chromium: ./scripts/test installs it "
            "(apt-get install --no-install-recommends chromium)"
        )
    return path


def check_built(dist: Path = PWA_DIST):
    if not (dist / "index.html").is_file():
        raise NotReady(
            f"the field app is not built ({dist}/index.html is missing): ./scripts/test builds it, "
            "or run `cd pwa && npm ci && npm run build`"
        )


def _app_spec(instance: Path, dist: Path) -> str:
    # gunicorn and flask --app both call a factory given with literal arguments
    return f"server:create_app({ {'INSTANCE_PATH': str(instance), 'PWA_DIST': str(dist)}!r})"


def prepare_demo_instance(instance: Path):
    """Migrate a new instance folder to head and load the demo data into it (about ten seconds)."""
    instance.mkdir(parents=True, exist_ok=True)
    for command in (["db", "upgrade"], ["demo", "load"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", _app_spec(instance, PWA_DIST), *command],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,  # the returncode is looked at below
        )
        if done.returncode:
            raise NotReady(f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """gunicorn (one worker, eight threads, unless told otherwise) on a free port of 127.0.0.1, on a copy of a
    prepared instance folder, serving the field app from `dist`. `url` is its base URL; stop() ends it."""

    def __init__(self, prepared: Path, instance: Path, dist: Path = PWA_DIST, *, workers: int = 1, threads: int = 8):
        shutil.copytree(prepared, instance, dirs_exist_ok=True)
        self.instance = instance
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = instance / "gunicorn.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    self.url.removeprefix("http://"),
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--access-logfile",
                    "-",
                    _app_spec(instance, dist),
                ],
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self):
        if not wait_until_healthy(self.url, self.process):
            self.stop()
            raise NotReady(f"the live server did not come up at {self.url}:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        stop(self.process)


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> bool:
    """Whether the server at `url` answered its health check within `timeout` s while `process` lived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(process: subprocess.Popen):
    """End a server process: asked first, killed after 10 s; waited for either way."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def until(page, expression: str, arg=None, timeout: float = 15.0):
    """The first truthy value of `expression` (a function of `arg` that may return a promise) in `page`, polled every
    100 ms; page.wait_for_function would not do: it takes the promise itself as the truthy value, at once."""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(expression, arg)):
        assert time.monotonic() < deadline, f"still {value!r} after {timeout} s: {expression}"
        page.wait_for_timeout(100)
    return value


def wait_until_controlled(page):
    """Wait until the field app's service worker is installed (the shell precached), activated and in
    control of `page`; a worker that does not claim open pages controls them from the next load."""
    page.evaluate("""navigator.serviceWorker.ready.then(({active}) => active.state === "activated" ||
        new Promise(done => active.addEventListener("statechange",
                                                    () => active.state === "activated" && done(true))))""")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def sign_in(page, url: str, login: str):
    """Open the app at `url` and sign in as a demo account through its login form."""
    page.goto(url)
    page.get_by_label("手机号或用户名").fill(login)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    # a password hash on a busy machine, and the sign-in's own retries: more than an assertion's 5 s
    expect(page.locator("input[type=password]")).to_have_count(0, timeout=20_000)
    return page


def ok(resp):
    """The JSON of an API answer through Playwright's request context, which must be a 2xx."""
    assert resp.ok, f"{resp.status} {resp.url}: {resp.text()}"
    return resp.json()


def act(api, hazard_id, action, **payload) -> dict:
    """Take a step of the loop through the API, on the version just read."""
    etag = api.get(f"/api/v1/hazards/{hazard_id}").headers["etag"]
    return ok(
        api.post(
            f"/api/v1/hazards/{hazard_id}/transitions",
            data={"id": str(uuid.uuid4()), "action": action, **payload},
            headers={"If-Match": etag},
        )
    )
