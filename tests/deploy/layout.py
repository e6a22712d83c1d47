"""The production process layout, started for real on this machine: gunicorn as the Procfile's web line
starts it (gunicorn.conf.py), on the embedded default in a throwaway instance folder with the demo data,
and nginx from deploy/nginx.conf rendered for free ports in front of it; and slow clients to send at them.
Used by tests/deploy and bench/slow_clients.py."""

import base64
import http.client
import json
import os
import re
import select
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

from server import PROJECT_ROOT
from tests.e2e.live import DEMO_PASSWORD, NotReady, free_port, prepare_demo_instance, stop  # noqa: F401 (re-exported)

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf"
# nginx's main context around the template, as Debian's /etc/nginx/nginx.conf would be, kept in `prefix`.
NGINX_MAIN = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/safegrid.conf;
}}
"""


def nginx() -> str:
    """Debian's nginx, which scripts/test installs (it lives in /usr/sbin, not always on PATH)."""
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not path:
        raise NotReady(
            "the deploy tests need Debian's nginx: ./scripts/test installs it "
            "(apt-get install --no-install-recommends nginx)"
        )
    return path


def render_nginx(values: dict) -> str:
    """deploy/nginx.conf with its {{NAME}} values filled in; refuses to leave one unfilled."""
    text = NGINX_TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", str(value))
    left = re.search(r"\{\{[A-Z_]+\}\}", text)
    if left:
        raise ValueError(f"deploy/nginx.conf has a value left to fill in: {left[0]}")
    return text


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl, which comes with Debian and with nginx's TLS)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    done = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        text=True,
        check=False,  # the returncode is looked at below
    )
    if done.returncode:
        raise NotReady(f"openssl could not make a test certificate:\n{done.stderr}")
    return cert, key


class Process:
    """A server process with its output in a log file; stop() ends it (and waits)."""

    def __init__(self, args, *, log: Path, env=None, cwd=PROJECT_ROOT):
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self):
        stop(self.process)


def procfile_web() -> str:
    """The command of the Procfile's web line."""
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "web":
            return command.strip()
    raise NotReady("the Procfile has no web line")


def instance_env(instance: Path, **settings) -> dict:
    """The environment that points wsgi:app (create_app() from the environment) at a prepared instance
    folder: its SQLite database, media and secrets; no Redis, so jobs run inline."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "APP_ENV", "STORAGE_URL", "GUNICORN_CMD_ARGS")
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "DATABASE_URL": f"sqlite:///{instance / 'safegrid.db'}",
            "MEDIA_ROOT": str(instance / "media"),
            "SECRET_KEY": (instance / "secret_key").read_text().strip(),
            "QR_SIGNING_KEYS": "A:" + (instance / "qr_key_A").read_text().strip(),
        }
    )
    env.update({name: str(value) for name, value in settings.items()})
    return env


class Gunicorn(Process):
    """The Procfile's web process on a free port of 127.0.0.1, on a prepared instance folder. `settings`
    are environment variables (WEB_CONCURRENCY, BODY_GRACE_S, GUNICORN_CMD_ARGS, ...)."""

    def __init__(self, instance: Path, log: Path, **settings):
        self.port = free_port()
        env = instance_env(instance, PORT=self.port, **settings)
        # bound to 127.0.0.1 only, as behind a proxy on the same machine (the Procfile's default is 0.0.0.0)
        env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{self.port} {settings.get('GUNICORN_CMD_ARGS', '')}".strip()
        super().__init__(shlex.split(procfile_web()), log=log, env=env)
        self.address = ("127.0.0.1", self.port)
        wait_until_healthy(self, self.address, tls=False)


class Nginx(Process):
    """nginx with deploy/nginx.conf rendered for a free port of 127.0.0.1 in front of `upstream`, under `prefix`."""

    def __init__(self, prefix: Path, upstream: tuple[str, int]):
        prefix.mkdir(parents=True, exist_ok=True)
        cert, key = make_certificate(prefix)
        self.port = free_port()
        (prefix / "safegrid.conf").write_text(
            render_nginx(
                {
                    "SERVER_NAME": "127.0.0.1",
                    "LISTEN": f"127.0.0.1:{self.port}",
                    "TLS_CERTIFICATE": cert,
                    "TLS_CERTIFICATE_KEY": key,
                    "UPSTREAM": f"{upstream[0]}:{upstream[1]}",
                }
            )
        )
        # As root, nginx's workers would change to a user who cannot write the temp folders here.
        user = "user root;" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(NGINX_MAIN.format(prefix=prefix, user=user))
        super().__init__([nginx(), "-p", str(prefix), "-c", str(prefix / "nginx.conf")], log=prefix / "nginx.log")
        self.address = ("127.0.0.1", self.port)
        wait_until_listening(self, self.address)


def wait_until_listening(process: Process, address, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.alive():
        try:
            socket.create_connection(address, timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    process.stop()
    raise NotReady(f"{process.log.name} did not come up on {address}:\n{process.log.read_text()[-3000:]}")


def wait_until_healthy(process: Process, address, *, tls: bool, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.alive():
        try:
            if request(address, "GET", "/api/v1/health", tls=tls, timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    process.stop()
    raise NotReady(f"{process.log.name} did not answer /api/v1/health on {address}:\n{process.log.read_text()[-3000:]}")


def _client_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


CLIENT_TLS = _client_tls()


def connect(address, *, tls: bool, timeout: float | None = 10) -> socket.socket:
    sock = socket.create_connection(address, timeout=timeout)
    return CLIENT_TLS.wrap_socket(sock, server_hostname=address[0]) if tls else sock


def request(address, method, path, *, tls: bool, headers=None, body=None, timeout=10):
    """One request on its own connection → (status, headers, parsed JSON body or the text)."""
    if tls:
        conn = http.client.HTTPSConnection(*address, timeout=timeout, context=CLIENT_TLS)
    else:
        conn = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, _parsed(resp.headers.get("Content-Type", ""), resp.read())
    finally:
        conn.close()


def raw_request(address, data: bytes, *, tls: bool, timeout=10):
    """Bytes sent as they are (what http.client would refuse to send) → (status, headers, body)."""
    with connect(address, tls=tls, timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def read_answer(sock) -> tuple[int, http.client.HTTPMessage, object]:
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    return resp.status, resp.headers, _parsed(resp.headers.get("Content-Type", ""), resp.read())


def _parsed(content_type: str, body: bytes):
    return json.loads(body) if content_type.startswith("application/json") else body.decode("utf-8", "replace")


def sign_in(address, login: str, *, tls: bool) -> str:
    status, _, body = request(
        address,
        "POST",
        "/api/v1/auth/login",
        tls=tls,
        headers={"Content-Type": "application/json"},
        body=json.dumps({"login": login, "password": DEMO_PASSWORD}),
    )
    if not 200 <= status < 300:
        raise NotReady(f"signing in as {login} answered {status}: {body}")
    return body["token"]


def slow_upload_head(token: str, length: int, host: str) -> bytes:
    """The head of a photo upload (PUT /api/v1/photos/<uuid>) announcing `length` bytes, complete and valid
    as far as the app looks before it reads the body (token, type, digest)."""
    digest = base64.b64encode(bytes(32)).decode()
    return (
        f"PUT /api/v1/photos/{uuid.uuid4()} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: image/jpeg\r\nContent-Digest: sha-256=:{digest}:\r\nContent-Length: {length}\r\n"
        "\r\n"
    ).encode()


class SlowUploads:
    """`count` photo uploads of `length` bytes, each sending its head at once and then one byte every
    `interval` seconds, until the server answers or closes, or close() is called. Call tick() often
    (it sends what is due and collects answers); `answers` holds each upload's (status, body), or None
    for one the server closed without answering."""

    def __init__(self, address, token: str, *, count: int, tls: bool, length=1024 * 1024, interval=1.0):
        self.interval = interval
        self.socks = []
        for _ in range(count):
            sock = connect(address, tls=tls)
            sock.sendall(slow_upload_head(token, length, address[0]))
            sock.setblocking(False)
            self.socks.append(sock)
        self.open = set(self.socks)
        self.answers = {}
        self.received = {sock: b"" for sock in self.socks}
        self.next_byte = time.monotonic() + interval

    def in_flight(self) -> int:
        return len(self.open)

    def tick(self, wait: float = 0.0):
        """Collect what the server said (waiting up to `wait` seconds), then send a byte on each open
        upload if one is due."""
        readable, _, _ = select.select(list(self.open), [], [], wait) if self.open else ([], [], [])
        for sock in readable:
            self._read(sock)
        if time.monotonic() >= self.next_byte:
            self.next_byte += self.interval
            for sock in list(self.open):
                try:
                    sock.send(b"\xff")
                except (BlockingIOError, ssl.SSLWantWriteError):
                    pass
                except OSError:
                    self._finish(sock)

    def _read(self, sock):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, ssl.SSLWantReadError):
            return
        except OSError:
            data = b""
        self.received[sock] += data
        if not data or self._complete(self.received[sock]):
            self._finish(sock)

    @staticmethod
    def _complete(data: bytes) -> bool:
        head, sep, body = data.partition(b"\r\n\r\n")
        if not sep:
            return False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return len(body) >= int(value)
        return False

    def _finish(self, sock):
        self.open.discard(sock)
        data = self.received[sock]
        head, _, body = data.partition(b"\r\n\r\n")
        if head.startswith(b"HTTP/"):
            status = int(head.split(b" ", 2)[1])
            content_type = next(
                (
                    line.partition(b":")[2].strip().decode()
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-type:")
                ),
                "",
            )
            self.answers[sock] = (status, _parsed(content_type, body))
        else:
            self.answers[sock] = None
        try:
            sock.close()
        except OSError:
            pass

    def close(self):
        for sock in list(self.open):
            self.open.discard(sock)
            sock.close()
