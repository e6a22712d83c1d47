"""The production process layout against slow and abusive clients: nginx (deploy/nginx.conf) buffering in front
of gunicorn as the Procfile starts it (gunicorn.conf.py). Fifty uploads trickling a byte a second never reach a
worker, and health answers within a second throughout; without the proxy the app's body deadline cuts them off;
errors nginx or gunicorn answer themselves come in the one JSON error shape."""

import time

import pytest

from tests.deploy.layout import Gunicorn, Nginx, SlowUploads, prepare_demo_instance, raw_request, request, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.no_transaction]
SLOW_UPLOADS = 50


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy-instance")
    prepare_demo_instance(folder)
    return folder


@pytest.fixture(scope="module")
def proxied(instance, tmp_path_factory):
    """nginx in front of gunicorn with its production settings (two sync workers, no threads)."""
    logs = tmp_path_factory.mktemp("deploy-logs")
    web = Gunicorn(instance, logs / "gunicorn.log", WEB_CONCURRENCY=2)
    proxy = Nginx(logs / "nginx", web.address)
    yield proxy
    proxy.stop()
    web.stop()


def assert_one_shape(status, body):
    assert isinstance(body, dict) and body["status"] == status and body["code"] and body["message"], body


def test_health_answers_within_a_second_while_fifty_uploads_trickle_in(proxied):
    token = sign_in(proxied.address, "demo-grid", tls=True)
    uploads = SlowUploads(proxied.address, token, count=SLOW_UPLOADS, tls=True)
    try:
        ends, answers = time.monotonic() + 8, 0
        while time.monotonic() < ends:
            uploads.tick(wait=0.2)
            status, _, body = request(proxied.address, "GET", "/api/v1/health", tls=True, timeout=1)
            assert status == 200 and body["database"], body  # a timeout (1 s) fails the test
            answers += 1
        assert uploads.in_flight() == SLOW_UPLOADS  # all still sending: held by nginx, none by a worker
        assert answers >= 20
    finally:
        uploads.close()


def test_without_the_proxy_the_app_cuts_a_trickling_upload_off_with_a_408(instance, tmp_path):
    # as ./scripts/serve runs it: threads, and the app's deadline, here a grace of one second
    web = Gunicorn(
        instance,
        tmp_path / "gunicorn.log",
        WEB_CONCURRENCY=1,
        GUNICORN_CMD_ARGS="--threads 4",
        BODY_GRACE_S=1,
        BODY_MIN_RATE_BYTES_S=2000,
    )
    try:
        token = sign_in(web.address, "demo-grid", tls=False)
        uploads = SlowUploads(web.address, token, count=3, tls=False)
        ends = time.monotonic() + 15
        while uploads.in_flight() and time.monotonic() < ends:
            uploads.tick(wait=0.2)
        uploads.close()
        answers = list(uploads.answers.values())
        assert len(answers) == 3 and all(answer is not None and answer[0] == 408 for answer in answers), answers
        assert all(body["code"] == "body_too_slow" for _, body in answers)
        assert_one_shape(408, answers[0][1])
        assert request(web.address, "GET", "/api/v1/health", tls=False, timeout=2)[0] == 200  # the threads are free
    finally:
        web.stop()


@pytest.mark.parametrize("through", ["nginx", "gunicorn alone"])
def test_an_over_long_request_line_is_refused_in_the_one_shape(proxied, instance, tmp_path, through):
    line = b"GET /api/v1/health?" + b"x" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    if through == "nginx":
        status, headers, body = raw_request(proxied.address, line, tls=True)
    else:
        web = Gunicorn(instance, tmp_path / "gunicorn.log", WEB_CONCURRENCY=1)
        try:
            status, headers, body = raw_request(web.address, line, tls=False)
        finally:
            web.stop()
    assert status in (400, 414) and headers["Content-Type"].startswith("application/json")
    assert_one_shape(status, body)


def test_a_body_over_the_cap_is_refused_before_it_is_sent(proxied):
    head = (
        b"PUT /api/v1/photos/00000000-0000-4000-8000-000000000001 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: image/jpeg\r\nContent-Length: 20000000\r\n\r\n"
    )
    status, _, body = raw_request(proxied.address, head, tls=True)
    assert status == 413
    assert_one_shape(413, body)
