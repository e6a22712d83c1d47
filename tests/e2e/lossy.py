"""A lossy network for browser tests: an HTTP/1.1 proxy between Chromium and the live server that drops
requests and cuts answers mid-body, as a weak mobile signal does.

Each request gets its own upstream connection (sent with `Connection: close`) and a fate:

- "ok": the whole answer;
- "drop": the connection closes before the request goes on, so the server never sees it;
- "lost": the request reaches the server, which does the work, and its answer is lost;
- "cut": the status line, the headers and part of the body arrive, then the connection closes.

The fate of the n-th request for a method and path is drawn from a generator seeded with (seed, method,
path, n), so a run meets the same losses whatever order the browser's parallel requests arrive in;
`first` forces the fate of the first request for a path (fnmatch patterns, the query left out).
"""

import fnmatch
import random
import socket
import socketserver
import threading
from collections import Counter

FATES = ("ok", "drop", "lost", "cut")
HEAD_END = b"\r\n\r\n"


class LossyProxy:
    """LossyProxy(upstream_url, seed=1, drop=0.1, lost=0.05, cut=0.15) → `url` to point the browser at;
    `log` lists (fate, method, path) of every request; stop() ends it."""

    def __init__(self, upstream: str, *, seed=1, drop=0.1, lost=0.05, cut=0.15, first: dict | None = None):
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.seed, self.first = seed, first or {}
        self.weights = {"drop": drop, "lost": lost, "cut": cut}
        self.log: list[tuple[str, str, str]] = []
        self.enabled = True
        self._seen = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def fates(self, fate: str) -> list[str]:
        """The "METHOD path" of each request that met `fate`."""
        return [f"{method} {path}" for f, method, path in self.log if f == fate]

    # ---- one client connection: requests one after the other ------------------------------------

    def _serve(self, client: socket.socket):
        buffer = b""
        try:
            while True:
                request, buffer = _read_request(client, buffer)
                if request is None:
                    return
                method, path = request.split(b" ", 2)[:2]
                method, path = method.decode(), path.decode().split("?")[0]
                fate = self._fate(method, path)
                with self._lock:
                    self.log.append((fate, method, path))
                if fate == "drop":
                    return
                answer = self._forward(_close_after(request))
                if fate == "lost":
                    return
                if fate == "cut":
                    client.sendall(_cut(answer, self._rng(method, path, "cut")))
                    return
                client.sendall(answer)
                if b"\r\nconnection: close" in answer.split(HEAD_END)[0].lower():
                    return
        except OSError:
            return
        finally:
            client.close()

    def _rng(self, method: str, path: str, salt: str = "") -> random.Random:
        return random.Random(f"{self.seed}:{method} {path}:{self._seen[(method, path)]}:{salt}")

    def _fate(self, method: str, path: str) -> str:
        with self._lock:
            n = self._seen[(method, path)]
            self._seen[(method, path)] += 1
        if not self.enabled:
            return "ok"
        if n == 0:
            for pattern, fate in self.first.items():
                if fnmatch.fnmatchcase(path, pattern):
                    return fate
        draw = random.Random(f"{self.seed}:{method} {path}:{n}").random()
        for fate, weight in self.weights.items():
            if draw < weight:
                return fate
            draw -= weight
        return "ok"

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(request)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _read_request(sock: socket.socket, buffer: bytes) -> tuple[bytes | None, bytes]:
    """The next whole request on the connection (head and Content-Length body), and what follows it."""
    while HEAD_END not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        buffer += chunk
    head, _, rest = buffer.partition(HEAD_END)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    return head + HEAD_END + rest[:length], rest[length:]


def _close_after(request: bytes) -> bytes:
    head, _, body = request.partition(HEAD_END)
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + HEAD_END + body


def _cut(answer: bytes, rng: random.Random) -> bytes:
    """The answer's head and between none and most of its body (at least one byte short)."""
    head, _, body = answer.partition(HEAD_END)
    keep = rng.randrange(0, max(1, len(body) * 3 // 4))
    return head + HEAD_END + body[:keep]
