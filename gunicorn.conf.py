"""gunicorn's settings for SafeGrid's web process (the Procfile's web line), and its own error answers in the
API's one error shape. In production it runs behind the buffering reverse proxy of deploy/nginx.conf, which
hands it whole requests: see docs/deploy.md. Settings given on the command line or in GUNICORN_CMD_ARGS
(e.g. "--bind 127.0.0.1:8000", "--threads 4") override these."""

import json
import os
import sys

from gunicorn import util

# Only nginx on this machine may reach gunicorn: a client reaching it directly could write the X-Forwarded-For
# that TRUSTED_PROXY_HOPS makes the app believe. With the proxy on another machine, bind where it reaches
# (GUNICORN_CMD_ARGS="--bind 10.0.0.5:8000") and let nothing else through to that port.
bind = [f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 4)
# Sync workers (the default class) serve one request each, read at the proxy's speed; alone, without the
# proxy, give them threads (--threads 4, as scripts/serve does) and rely on the app's body deadline.
timeout = 30  # a sync worker silent this long is killed: no request behind the proxy takes that long
graceful_timeout = 30
keepalive = 5  # threaded workers only; nginx opens a connection per request to this upstream
# The request head: gunicorn's defaults, said here so that deploy/nginx.conf can be read beside them.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = "-"
# gunicorn itself believes X-Forwarded-Proto from 127.0.0.1 by default; the app alone decides which proxy
# headers to believe (TRUSTED_PROXY_HOPS, werkzeug's ProxyFix in server/core/security.py), so gunicorn believes none.
forwarded_allow_ips = ""

# gunicorn answers a request it cannot parse (a request line over limit_request_line, too many or too
# large header fields, a malformed line) itself, before the app sees it, with an HTML page written by
# gunicorn.util.write_error (called from Worker.handle_error in gunicorn/workers/base.py). gunicorn 27 has
# no setting or server hook for that page, so this file replaces the function; the master reads this file
# before it forks, so every worker answers in the one JSON error shape. tests/deploy checks it through a
# running gunicorn, so a gunicorn that stops calling it fails there.
OWN_ERRORS = {
    400: ("bad_request", "请求格式错误", "The request is malformed"),
    403: ("forbidden", "请求被拒绝", "Request forbidden"),
    414: ("request_line_too_long", "请求行过长", "Request line too long"),
    417: ("expectation_failed", "不支持该 Expect 请求头", "The Expect header cannot be met"),
    431: ("header_fields_too_large", "请求头过大", "Request header fields too large"),
    500: ("internal_error", "服务器内部错误", "Internal server error"),
    501: ("not_implemented", "不支持该传输编码", "Transfer coding not supported"),
}


def write_json_error(sock, status_int, reason, mesg):
    """gunicorn's error answer as the API's: {code, status, message}, Chinese first (no Accept-Language yet)."""
    code, zh, en = OWN_ERRORS.get(status_int, (reason.lower().replace(" ", "_"), reason, reason))
    body = json.dumps({"code": code, "status": status_int, "message": f"{zh} / {en}"}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


if hasattr(util, "write_error"):
    util.write_error = write_json_error
else:
    print("gunicorn.conf.py: this gunicorn has no util.write_error; its own errors stay HTML", file=sys.stderr)
