"""Benchmark: the field app's shell as a grid worker's phone meets it. Its gzipped size, and the time to
the first usable screen on a slow 4G network with a 4× slower CPU, cold and offline after one visit.

Size: every JS, CSS and HTML file in the service worker's precache list (read off dist/sw.js), gzip -9,
without the lazily loaded QR decoder (jsQR), which is printed on its own; and the first screen's share, index.html
with the files it names (the rest load when first needed).
Time, from navigation to the screen being visible (median of --runs), in Debian's Chromium driven by
Playwright, against gunicorn serving the build with the demo data (tests/e2e/live.py):
  - the login form, cold (a new profile: no cache, no service worker), and offline after one visit;
  - demo-grid's home screen after a stored login (the profile's IndexedDB), cold and offline.
The network is Chrome DevTools' "Slow 4G" (CDP Network.emulateNetworkConditions: 562.5 ms latency,
1.6 Mbps × 0.9 down, 750 kbps × 0.9 up) with Emulation.setCPUThrottlingRate 4; the service worker's own
precaching is not throttled (CDP throttles the page). The baseline, measured in the same run, is a blank
page served by the same server (a copy of the build with blank.html added) on the same profile.
--lighthouse also runs Lighthouse 12 (installed with npm into the temp directory, never into the
project) on the login screen and, signed in as demo-grid, on the home screen, a site, the report form,
"mine", the outbox and any --screen given (as demo-grid, or as the login named before it), and prints
their accessibility and best-practices scores with the audits that failed.

--against OLD_DIST times the same cases again with that build and this one taking turns start by start (which goes
first flips each round), the comparison a busy machine's drift cannot tilt.

Run: .venv/bin/python bench/pwa_shell.py [--runs 3] [--against OLD_DIST]
     [--lighthouse [--no-times] [--screen '#/summary' --screen 'demo-admin=#/admin' ...]]
Needs the built field app (pwa/dist: ./scripts/serve or ./scripts/test builds it) and Debian's chromium;
--lighthouse needs npm. Prints figures; asserts nothing.
"""

import argparse
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import live  # noqa: E402

SLOW_4G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6e6 / 8 * 0.9,
    "uploadThroughput": 750e3 / 8 * 0.9,
}  # bytes/s
CPU_SLOWDOWN = 4
SHELL_TYPES = (".js", ".mjs", ".css", ".html")
DECODER = re.compile(r"jsqr|decoder", re.I)
# a precache entry as Workbox writes it into sw.js: {url:"assets/x.js",revision:null} or JSON
PRECACHE_URL = re.compile(r"""["']?\burl["']?\s*:\s*["']([^"']+)["']""")
# what index.html itself loads (its module script, stylesheet, preloads): the files the first screen waits for
PAGE_FILE = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']/?(assets/[^"']+)["']""")
LOGIN_FORM = "input[type=password]"
BLANK = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>.</title><p id="blank">.</p></html>'
LIGHTHOUSE_DIR = Path(tempfile.gettempdir()) / "safegrid-lighthouse"
# the grid worker's main screens besides home ({site}: the first site on demo-grid's home screen)
GRID_WORKER_SCREENS = ["#/site/{site}", "#/report/{site}", "#/mine", "#/outbox"]


# ---- size --------------------------------------------------------------------------------------------


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def shell_files(dist: Path) -> tuple[list[str], list[str]]:
    """The precached JS/CSS/HTML files: (the shell, the QR decoder's)."""
    urls = sorted(set(PRECACHE_URL.findall((dist / "sw.js").read_text())))
    code = [url.lstrip("/") for url in urls if url.split("?")[0].endswith(SHELL_TYPES)]
    return [u for u in code if not DECODER.search(u)], [u for u in code if DECODER.search(u)]


def print_sizes(dist: Path):
    shell, decoder = shell_files(dist)
    if not shell:
        print(f"no precached JS/CSS/HTML found in {dist / 'sw.js'}")
        return
    print("app shell: the precached JS, CSS and HTML (gzip -9)")
    for name in shell:
        print(f"  {name:<48} {(dist / name).stat().st_size / 1024:8.1f} KB {gzipped(dist / name) / 1024:8.1f} KB gz")
    total = sum(gzipped(dist / name) for name in shell)
    print(f"  {'total':<48} {sum((dist / n).stat().st_size for n in shell) / 1024:8.1f} KB {total / 1024:8.1f} KB gz")
    first = ["index.html", *sorted(set(PAGE_FILE.findall((dist / "index.html").read_text())))]
    first_gz = sum(gzipped(dist / name) for name in first) / 1024
    print(f"  {'first screen: index.html and what it loads':<48} {'':11} {first_gz:8.1f} KB gz")
    lazy = decoder or [
        str(p.relative_to(dist)) for p in sorted((dist / "assets").glob("*.js")) if DECODER.search(p.name)
    ]
    for name in lazy:
        where = "precached" if name in decoder else "not precached"
        print(f"QR decoder, loaded when the camera opens ({where}): {name} {gzipped(dist / name) / 1024:.1f} KB gz")
    if not lazy:
        print("QR decoder: no chunk named like jsQR/decoder found")


# ---- time --------------------------------------------------------------------------------------------


def throttle(context, page, *, network: bool):
    cdp = context.new_cdp_session(page)
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def time_to(browser, url: str, selector: str, *, storage_state=None, offline=False) -> float:
    """Seconds from navigating to `url` until `selector` is visible, in a new profile: cold, or
    (offline) after one unthrottled visit that let the service worker install."""
    context = browser.new_context(storage_state=storage_state, **live.PHONE)
    try:
        page = context.new_page()
        if offline:
            page.goto(url)
            page.locator(selector).first.wait_for(state="visible")
            live.wait_until_controlled(page)
            context.set_offline(True)
        throttle(context, page, network=not offline)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(selector).first.wait_for(state="visible", timeout=120_000)
        return time.perf_counter() - start
    finally:
        context.close()


def signed_in_state(browser, url: str, home: str) -> dict:
    """The profile of demo-grid signed in through the login form, with the app's IndexedDB."""
    context = browser.new_context(**live.PHONE)
    live.sign_in(context.new_page(), url, "demo-grid").locator(home).first.wait_for(state="visible")
    state = context.storage_state(indexed_db=True)
    context.close()
    return state


def print_times(browser, base: str, runs: int, home: str):
    stored = signed_in_state(browser, base + "/", home)
    cases = [
        ("blank page, cold (baseline)", base + "/blank.html", "#blank", {}),
        ("login form, cold", base + "/", LOGIN_FORM, {}),
        ("home after a stored login, cold", base + "/", home, {"storage_state": stored}),
        ("login form, offline after one visit", base + "/", LOGIN_FORM, {"offline": True}),
        ("home after a stored login, offline", base + "/", home, {"storage_state": stored, "offline": True}),
    ]
    print(
        f"time to first usable screen: Slow 4G ({SLOW_4G['latency']} ms, "
        f"{SLOW_4G['downloadThroughput'] * 8 / 1e6:.2f} Mbps down, "
        f"{SLOW_4G['uploadThroughput'] * 8 / 1e3:.0f} kbps up),"
        f" CPU {CPU_SLOWDOWN}× slower; median of {runs} (min–max)"
    )
    baseline = None
    for name, url, selector, options in cases:
        seconds = [time_to(browser, url, selector, **options) for _ in range(runs)]
        median = statistics.median(seconds)
        baseline = baseline or median
        print(
            f"  {name:<38} {median:6.2f} s ({min(seconds):.2f}–{max(seconds):.2f})  {median / baseline:5.2f}× baseline"
        )


def print_against(browser, bases: dict, runs: int, home: str):
    """The same cases with two builds taking turns start by start (which goes first flips each round), so that the
    machine's drift favours neither: each build's median and its starts."""
    stored = {name: signed_in_state(browser, base + "/", home) for name, base in bases.items()}
    cases = [
        ("login form, cold", LOGIN_FORM, False, False),
        ("home after a stored login, cold", home, True, False),
        ("login form, offline after one visit", LOGIN_FORM, False, True),
        ("home after a stored login, offline", home, True, True),
    ]
    print(f"the builds taking turns, {runs} starts each (same throttling):")
    for case, selector, signed_in, offline in cases:
        seconds = {name: [] for name in bases}
        for n in range(runs):
            for name in list(bases)[:: 1 if n % 2 == 0 else -1]:
                profile = {"storage_state": stored[name]} if signed_in else {}
                seconds[name].append(time_to(browser, bases[name] + "/", selector, offline=offline, **profile))
        print(f"  {case}")
        for name, got in seconds.items():
            print(f"    {name:<12} {statistics.median(got):6.2f} s  ({' '.join(f'{s:.2f}' for s in got)})")


# ---- Lighthouse ----------------------------------------------------------------------------------


def lighthouse_bin() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        print(f"==> installing Lighthouse 12 into {LIGHTHOUSE_DIR}", flush=True)
        LIGHTHOUSE_DIR.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "i", "-E", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_DIR), "lighthouse@12"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def audit(binary: Path, url: str, port: int) -> dict:
    """Lighthouse on a page of the already running Chromium (its storage, so its login, kept)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [
                str(binary),
                url,
                f"--port={port}",
                "--disable-storage-reset",
                "--quiet",
                "--only-categories=accessibility,best-practices",
                "--output=json",
                f"--output-path={report.name}",
            ],
            check=True,
        )
        return json.load(open(report.name))


def links_on(page) -> dict:
    """The first site's and the first hazard's id on the screen, for the {site} and {hazard} of a screen."""
    found = {}
    for name in ("site", "hazard"):
        link = page.locator(f"a[href^='#/{name}/']").first
        if link.count():
            found[name] = link.get_attribute("href").removeprefix(f"#/{name}/")
    return found


def audit_signed_in(playwright, binary: Path, base: str, login: str, screens: list[str], ready: str) -> list:
    """Lighthouse on `screens` (with {site} and {hazard} filled from the home screen), signed in as `login`."""
    port = live.free_port()
    with tempfile.TemporaryDirectory() as profile:
        # the profile's own context is the one Lighthouse's new tabs open in, so they share the login
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=live.chromium(),
            args=[*live.CHROMIUM_ARGS, f"--remote-debugging-port={port}"],
            **live.PHONE,
        )
        try:
            page = live.sign_in(context.pages[0] if context.pages else context.new_page(), base + "/", login)
            page.locator(ready).first.wait_for(state="visible")
            page.wait_for_timeout(2000)  # the first sync
            fill = links_on(page)
            return [(f"{s or 'home'} ({login})", audit(binary, f"{base}/{s.format(**fill)}", port)) for s in screens]
        finally:
            context.close()


def print_lighthouse(playwright, base: str, home: str, screens: list[str]):
    """The login screen, demo-grid's main screens, and each --screen ('#/x' as demo-grid, 'login=#/x' as login)."""
    binary = lighthouse_bin()
    port = live.free_port()
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=live.chromium(), args=[*live.CHROMIUM_ARGS, f"--remote-debugging-port={port}"]
        )
        try:
            results = [("login", audit(binary, base + "/", port))]
        finally:
            context.close()
    by_login = {"demo-grid": ["", *GRID_WORKER_SCREENS]}
    for screen in screens:
        login, _, path = screen.rpartition("=")
        by_login.setdefault(login or "demo-grid", []).append(path)
    for login, paths in by_login.items():
        ready = home if login == "demo-grid" else "main h1"
        results += audit_signed_in(playwright, binary, base, login, paths, ready)
    print("Lighthouse 12 (its mobile defaults), scores out of 100:")
    for name, report in results:
        scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
        failed = [
            a["title"]
            for a in report["audits"].values()
            if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0
        ]
        print(f"  {name:<40} accessibility {scores['accessibility']:3}  best practices {scores['best-practices']:3}")
        for title in failed:
            print(f"      failed: {title}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", default="#tag-code", help="a selector visible on demo-grid's home screen")
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse 12 on the main screens")
    parser.add_argument(
        "--screen",
        action="append",
        default=[],
        help="another screen for Lighthouse: '#/x' as demo-grid, 'demo-admin=#/admin' as another login "
        "({site}, {hazard}: the first site's and hazard's id on that login's home screen)",
    )
    parser.add_argument("--no-times", action="store_true", help="skip the timings (with --lighthouse)")
    parser.add_argument(
        "--against", type=Path, help="another build's dist: the cases again, the two builds taking turns start by start"
    )
    args = parser.parse_args()
    live.check_built()
    print_sizes(live.PWA_DIST)
    if args.against:
        live.check_built(args.against)
        print(f"--against {args.against}:")
        print_sizes(args.against)
    with tempfile.TemporaryDirectory(prefix="safegrid-bench-") as folder:
        tmp = Path(folder)
        dist = tmp / "dist"
        shutil.copytree(live.PWA_DIST, dist)
        (dist / "blank.html").write_text(BLANK)
        print("==> loading the demo data", flush=True)
        live.prepare_demo_instance(tmp / "prepared")
        server = live.LiveServer(tmp / "prepared", tmp / "instance", dist)
        other = live.LiveServer(tmp / "prepared", tmp / "instance-against", args.against) if args.against else None
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=live.chromium(), args=live.CHROMIUM_ARGS)
                if not args.no_times:
                    print_times(browser, server.url, args.runs, args.home)
                if other:
                    bases = {"this build": server.url, "--against": other.url}
                    print_against(browser, bases, args.runs, args.home)
                browser.close()
                if args.lighthouse:
                    print_lighthouse(playwright, server.url, args.home, args.screen)
        finally:
            server.stop()
            if other:
                other.stop()


if __name__ == "__main__":
    main()
