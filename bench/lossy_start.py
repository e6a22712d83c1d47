"""Benchmark: the field app's first start through a lossy network, as issue 13 met it: cold starts of a new
phone (360×640, no cache, no service worker) through tests/e2e/lossy.py (10 % of requests dropped, 5 % lost
after the server did the work, 15 % cut mid-body; seeds 1..--runs), each opened as a person would (the
browser's error page reloaded, up to three times), then demo-grid signing in through the login form.

Per start: whether the login form came up on the first load, styled (styles.css's `main { max-width:
40rem }` applied) the moment it showed and within 10 s, the seconds to it, whether the sign-in went
through, and whether the service worker took control of the page without a reload within --wait s.
`--dist` measures another build (e.g. one made from an older commit) beside pwa/dist, on the same seeds.

Run: .venv/bin/python bench/lossy_start.py [--runs 5] [--wait 60] [--dist OLD_DIST]
Needs the built field app and Debian's chromium, as tests/e2e. Prints figures; asserts nothing.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import live  # noqa: E402
from tests.e2e.lossy import LossyProxy  # noqa: E402

RELOADS = 5
SMALL_PHONE = {**live.PHONE, "viewport": {"width": 360, "height": 640}}
STYLED = "() => getComputedStyle(document.querySelector('main') ?? document.body).maxWidth === '640px'"


def first_start(browser, url: str, wait_s: float) -> dict:
    context = browser.new_context(**SMALL_PHONE)
    page = context.new_page()
    start = time.perf_counter()
    result = {"form": False, "on_sight": False, "styled": False, "seconds": None}
    result.update(signed_in=False, controlled=False)
    try:
        for attempt in range(RELOADS + 1):
            result["reloads"] = attempt
            try:
                if page.goto(url + "/", timeout=15_000).ok:
                    break
            except Error:
                if attempt == RELOADS:
                    return result
        try:
            page.get_by_label("手机号或用户名").wait_for(timeout=30_000)
        except Error:
            return result
        result.update(form=True, seconds=time.perf_counter() - start, on_sight=page.evaluate(f"({STYLED})()"))
        try:  # a stylesheet loaded again comes a moment after the form
            page.wait_for_function(STYLED, timeout=10_000)
            result["styled"] = True
        except Error:
            pass
        page.get_by_label("手机号或用户名").fill("demo-grid")
        page.get_by_label("密码").fill(live.DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        try:
            page.locator("input[type=password]").wait_for(state="detached", timeout=60_000)
            result["signed_in"] = True
        except Error:
            pass
        try:
            page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=wait_s * 1000)
            result["controlled"] = True
        except Error:
            pass
        return result
    finally:
        context.close()


def measure(browser, server_url: str, runs: int, wait_s: float, name: str):
    rows = []
    for seed in range(1, runs + 1):
        proxy = LossyProxy(server_url, seed=seed)
        try:
            rows.append(first_start(browser, proxy.url, wait_s))
            failed = {fate: len(proxy.fates(fate)) for fate in ("drop", "lost", "cut")}
            print(f"  seed {seed}: {rows[-1]}, requests {len(proxy.log)}, losses {failed}", flush=True)
        finally:
            proxy.stop()
    count = lambda key: sum(1 for r in rows if r[key])  # noqa: E731
    seconds = sorted(r["seconds"] for r in rows if r["seconds"] is not None)
    print(f"{name}: {runs} first starts through the lossy proxy")
    print(f"  login form shown            {count('form')}/{runs}")
    print(f"  ... styled as it showed     {count('on_sight')}/{runs}")
    print(f"  ... styled within 10 s      {count('styled')}/{runs}")
    if seconds:
        print(f"  seconds to the form         median {seconds[len(seconds) // 2]:.1f} (max {seconds[-1]:.1f})")
    print(f"  signed in                   {count('signed_in')}/{runs}")
    print(f"  controlled, no reload ({wait_s:.0f} s) {count('controlled')}/{runs}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait for the service worker's control")
    parser.add_argument("--dist", type=Path, help="another build of the field app to measure beside pwa/dist")
    args = parser.parse_args()
    live.check_built()
    builds = [("this build", live.PWA_DIST), *([("--dist", args.dist)] if args.dist else [])]
    with tempfile.TemporaryDirectory(prefix="safegrid-bench-") as folder:
        tmp = Path(folder)
        print("==> loading the demo data", flush=True)
        live.prepare_demo_instance(tmp / "prepared")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=live.chromium(), args=live.CHROMIUM_ARGS)
            for n, (name, dist) in enumerate(builds):
                server = live.LiveServer(tmp / "prepared", tmp / f"instance-{n}", dist)
                try:
                    measure(browser, server.url, args.runs, args.wait, f"{name} ({dist})")
                finally:
                    server.stop()
            browser.close()


if __name__ == "__main__":
    main()
