"""Benchmark: how long /api/v1/health takes while N uploads trickle in a byte a second, for the ways SafeGrid's web
process can be served: gunicorn alone as ./scripts/serve runs it (two workers of four threads, the app's body deadline
at its defaults), the same with a short deadline, and nginx (deploy/nginx.conf) in front of gunicorn as the Procfile
runs it; each beside a baseline of the same layout with no slow client, in the same run.

Run: .venv/bin/python bench/slow_clients.py [--uploads 50] [--seconds 20]
Needs Debian's nginx (./scripts/test installs it) and openssl. Prints figures; asserts nothing. Target (issue 10):
health answering within 1 s while 50 slow uploads are in flight, against the production layout.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy.layout import Gunicorn, Nginx, SlowUploads, prepare_demo_instance, request, sign_in  # noqa: E402

TIMEOUT = 5.0  # a health check waiting longer than this counts as this (and as failed)


def probe(address, tls: bool, seconds: float, uploads=None) -> tuple[list[float], int]:
    """Health latencies over `seconds` (slow uploads ticking meanwhile), and how many did not answer 200."""
    latencies, failed, ends = [], 0, time.monotonic() + seconds
    while time.monotonic() < ends:
        if uploads:
            uploads.tick(wait=0.1)
        started = time.perf_counter()
        try:
            ok = request(address, "GET", "/api/v1/health", tls=tls, timeout=TIMEOUT)[0] == 200
        except OSError:
            ok = False
        latencies.append(min(time.perf_counter() - started, TIMEOUT))
        failed += not ok
        time.sleep(0.1)
    return latencies, failed


def row(name: str, latencies: list[float], failed: int, extra: str = ""):
    ms = sorted(latency * 1000 for latency in latencies)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{name:<44} {len(ms):>5} {statistics.median(ms):>8.1f} {p95:>8.1f} {ms[-1]:>8.1f} {failed:>7}  {extra}",
        flush=True,
    )


def run(name, address, tls, token, args):
    row(f"{name}, no slow client", *probe(address, tls, args.seconds / 2))
    uploads = SlowUploads(address, token, count=args.uploads, tls=tls)
    try:
        latencies, failed = probe(address, tls, args.seconds, uploads)
        answered = [answer[0] for answer in uploads.answers.values() if answer]
        row(
            f"{name}, {args.uploads} slow uploads",
            latencies,
            failed,
            f"uploads still in flight {uploads.in_flight()}, answered {sorted(set(answered)) or '-'}",
        )
    finally:
        uploads.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="safegrid-slow-"))
    instance = folder / "instance"
    prepare_demo_instance(instance)
    print(f"{'layout':<44} {'asked':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'failed':>7}")
    layouts = [
        ("gunicorn 2×4 threads, deadline 20 s + 1 s/500 B", {"WEB_CONCURRENCY": 2, "GUNICORN_CMD_ARGS": "--threads 4"}),
        (
            "gunicorn 2×4 threads, deadline 2 s + 1 s/2000 B",
            {
                "WEB_CONCURRENCY": 2,
                "GUNICORN_CMD_ARGS": "--threads 4",
                "BODY_GRACE_S": 2,
                "BODY_MIN_RATE_BYTES_S": 2000,
            },
        ),
    ]
    for name, settings in layouts:
        web = Gunicorn(instance, folder / f"{len(name)}.log", **settings)
        try:
            run(name, web.address, False, sign_in(web.address, "demo-grid", tls=False), args)
        finally:
            web.stop()
    web = Gunicorn(instance, folder / "proxied.log", WEB_CONCURRENCY=2)
    proxy = Nginx(folder / "nginx", web.address)
    try:
        run(
            "nginx + gunicorn 2 sync workers (Procfile)",
            proxy.address,
            True,
            sign_in(proxy.address, "demo-grid", tls=True),
            args,
        )
    finally:
        proxy.stop()
        web.stop()


if __name__ == "__main__":
    main()
