"""The embedded default (SQLite) serves a real street office: writes that merely overlap wait their turn, none is
refused. Served as ./scripts/serve serves it (gunicorn, two workers of four threads), on the demo data."""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest

from tests.e2e import live

pytestmark = [pytest.mark.slow, pytest.mark.no_transaction]
PARALLEL = 40


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    prepared = tmp_path_factory.mktemp("sqlite-demo")
    live.prepare_demo_instance(prepared)
    server = live.LiveServer(prepared, tmp_path_factory.mktemp("sqlite-served"), workers=2, threads=4)
    yield server.url
    server.stop()


def call(url, method="GET", body=None, token=None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def login(url, name) -> str:
    status, body = call(f"{url}/api/v1/auth/login", "POST", {"login": name, "password": live.DEMO_PASSWORD})
    assert status == 201, body
    return body["token"]


def at_once(count, action) -> Counter:
    """`count` threads released together, each doing `action(i)`: the statuses they got."""
    start, statuses, lock = threading.Barrier(count), Counter(), threading.Lock()

    def run(i):
        start.wait()
        status, _ = action(i)
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_parallel_tag_reissues_all_succeed_and_leave_one_live_tag_each(served):
    token = login(served, "demo-station")
    _, sites = call(f"{served}/api/v1/sites?page_size=10", token=token)
    statuses = at_once(
        PARALLEL, lambda i: call(f"{served}/api/v1/sites/{sites[i % 10]['id']}/tag", "POST", token=token)
    )
    assert statuses == {201: PARALLEL}
    for site in sites:
        status, tag = call(f"{served}/api/v1/sites/{site['id']}/tag", token=token)
        assert status == 200 and tag["revoked_at"] is None


def test_parallel_logins_and_reports_all_succeed(served):
    token = login(served, "demo-grid")
    _, sites = call(f"{served}/api/v1/sites?page_size=1", token=token)

    def either(i):
        if i % 2:
            return call(
                f"{served}/api/v1/auth/login",
                "POST",
                {"login": ["demo-station", "demo-grid", "demo-admin"][i % 3], "password": live.DEMO_PASSWORD},
            )
        return call(
            f"{served}/api/v1/hazards",
            "POST",
            {
                "id": f"00000000-0000-4000-8000-{i:012d}",
                "site_id": sites[0]["id"],
                "category": "fire",
                "level": "general",
                "description": "并发上报",
                "observed_at": "2026-12-01T09:00:00+08:00",
            },
            token=token,
        )

    statuses = at_once(PARALLEL, either)
    assert statuses == {201: PARALLEL}
