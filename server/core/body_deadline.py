"""Request bodies read against a deadline, so that a client trickling its body cannot hold a worker forever.

Without a buffering proxy in front (the embedded default, `./scripts/serve`), gunicorn hands the app a
request as soon as its headers are in, and the app's read of the body blocks a worker thread for as long
as the client takes to send it: a byte a second holds it for days. `BodyDeadline` wraps `wsgi.input`
with the rule of Apache's mod_reqtimeout (`body=20,MinRate=500`): a body may take `grace_s` seconds
plus one second for every `min_rate` bytes it has sent, i.e. the first k bytes must be in by
grace_s + k / min_rate. A client slower than that gets a 408 in the one error shape.

The rule is checked per piece read: before a piece of n bytes is read, a watchdog thread is told to cut
the read off at grace_s + (received + n) / min_rate. Pieces start at 4 KiB and grow with what the client
has sent (up to 64 KiB, werkzeug's own read size), so a client that sends nothing is cut after about
grace_s + 8 s at the defaults, and one that sent k bytes within the rule earns at most about k more bytes
of credit. A socket timeout (`settimeout`) cannot do this: it bounds each recv(), and gunicorn's body
reader loops over recv() until it has the whole piece, so a byte every second would never time out.
The watchdog cuts a read off by shutting down the read side of gunicorn's socket
(`environ["gunicorn.socket"]`): the blocked recv() returns at once, the answer can still be written, and
the connection is not reused. Without that socket (the test client, flask run) bodies are read as they are.

At the defaults a phone on a poor 2G link (GPRS, about 1 KB/s) sends a 300 KB photo in about five
minutes, against the 620 s the rule allows it; the rule cuts only clients under 500 B/s on average.
"""

import heapq
import itertools
import os
import socket
import threading
import time

from server.core.errors import error
from server.core.i18n import tr

FIRST_PIECE = 4 * 1024
LARGEST_PIECE = 64 * 1024


class BodyDeadline:
    """WSGI middleware: bodies under gunicorn are read at min_rate bytes a second or better, after grace_s."""

    def __init__(self, app, *, grace_s: float, min_rate: float):
        self.app = app
        self.grace_s = grace_s
        self.min_rate = min_rate
        self.watchdog = Watchdog()

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        if sock is not None and self.min_rate > 0 and _has_body(environ):
            environ["wsgi.input"] = TimedBody(
                environ["wsgi.input"],
                sock,
                self.watchdog,
                length=_length(environ),
                grace_s=self.grace_s,
                min_rate=self.min_rate,
            )
        return self.app(environ, start_response)


def _length(environ) -> int | None:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or ""), 0)
    except ValueError:
        return None


def _has_body(environ) -> bool:
    return bool(_length(environ)) or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class TimedBody:
    """wsgi.input, read piece by piece, each piece cut off when the client falls below the minimum rate."""

    def __init__(self, stream, sock, watchdog, *, length: int | None, grace_s: float, min_rate: float):
        self.stream, self.sock, self.watchdog = stream, sock, watchdog
        self.remaining = length  # None: chunked, read until the stream ends
        self.grace_s, self.min_rate = grace_s, min_rate
        self.started = None  # the first read: the time the app takes before it reads is not the client's
        self.received = 0

    def read(self, size=-1):
        return self._gather(self.stream.read, size, until_newline=False)

    def readline(self, size=-1):
        return self._gather(self.stream.readline, size, until_newline=True)

    def readlines(self, hint=-1):
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")

    def _gather(self, read, size, *, until_newline: bool) -> bytes:
        """Up to `size` bytes (all when negative) in pieces, as the wrapped stream would have returned them."""
        wanted = None if size is None or size < 0 else size
        parts, got = [], 0
        while wanted is None or got < wanted:
            piece = min(LARGEST_PIECE, max(FIRST_PIECE, self.received))
            if wanted is not None:
                piece = min(piece, wanted - got)
            if self.remaining is not None:
                piece = min(piece, self.remaining)
            if piece <= 0:
                break
            data = self._read_piece(read, piece)
            if not data:
                break
            parts.append(data)
            got += len(data)
            if until_newline and data.endswith(b"\n"):
                break
        return b"".join(parts)

    def _read_piece(self, read, size: int) -> bytes:
        if self.started is None:
            self.started = time.monotonic()
        deadline = self.started + self.grace_s + (self.received + size) / self.min_rate
        if deadline <= time.monotonic():
            self._too_slow()
        cutoff = self.watchdog.arm(self.sock, deadline)
        try:
            data = read(size)
        except OSError:
            if cutoff.done:
                self._too_slow()
            raise
        finally:
            self.watchdog.disarm(cutoff)
        if cutoff.done and len(data) < size:
            self._too_slow()
        self.received += len(data)
        if self.remaining is not None:
            self.remaining -= len(data)
        return data

    def _too_slow(self):
        # The rest of the body will not be read: shut the read side so that gunicorn closes the connection
        # after the answer rather than waiting to drain what the client still sends.
        _shut_reading(self.sock)
        error(
            408,
            tr(
                "请求体发送过慢（每秒不足 {rate} 字节），已中止；网络好转后请重试",
                "The request body arrived too slowly (under {rate} bytes a second); retry on a better connection",
                rate=int(self.min_rate),
            ),
            code="body_too_slow",
        )


def _shut_reading(sock):
    try:
        # socket.socket's own shutdown: an ssl.SSLSocket's would also drop its TLS state under the reader
        socket.socket.shutdown(sock, socket.SHUT_RD)
    except OSError:  # the client is gone already
        pass


class Cutoff:
    """One armed read: `done` once the watchdog has cut it off."""

    __slots__ = ("sock", "armed", "done")

    def __init__(self, sock):
        self.sock, self.armed, self.done = sock, True, False


class Watchdog:
    """One thread per process that cuts off the reads whose deadline has passed.

    Reads are armed and disarmed under one lock, and a cut happens under it too, so once disarm()
    returns the socket is never touched. Disarmed reads leave the heap lazily, from its top. The thread
    starts on the first read of each process (a gunicorn worker forks from a master that serves no
    requests, so the lock is free at the fork).
    """

    def __init__(self):
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, Cutoff]] = []
        self._order = itertools.count()
        self._pid = None
        # When the thread wakes next by itself (None: not until notified). A read's deadlines only grow, so the
        # next piece's is nearly always later than the one the thread sleeps towards: it is not woken for it (it
        # finds the new top when it wakes), rather than twice a piece, ten times for a 300 KB photo
        self._waking_at: float | None = None

    def arm(self, sock, deadline: float) -> Cutoff:
        cutoff = Cutoff(sock)
        with self._lock:
            if self._pid != os.getpid():
                self._start()
            self._drop_disarmed()
            heapq.heappush(self._heap, (deadline, next(self._order), cutoff))
            if self._heap[0][2] is cutoff and (self._waking_at is None or deadline < self._waking_at):
                self._lock.notify()
        return cutoff

    def disarm(self, cutoff: Cutoff):
        with self._lock:
            cutoff.armed = False

    def _start(self):
        self._pid = os.getpid()
        self._heap.clear()  # a forked child's copy of its parent's reads
        self._waking_at = None
        threading.Thread(target=self._run, name="body-deadline", daemon=True).start()

    def _drop_disarmed(self):
        while self._heap and not self._heap[0][2].armed:
            heapq.heappop(self._heap)

    def _run(self):
        with self._lock:
            while True:
                self._drop_disarmed()
                if not self._heap:
                    self._waking_at = None
                    self._lock.wait()
                    continue
                deadline, _, cutoff = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._waking_at = deadline
                    self._lock.wait(delay)
                    continue
                heapq.heappop(self._heap)
                cutoff.armed, cutoff.done = False, True
                _shut_reading(cutoff.sock)
