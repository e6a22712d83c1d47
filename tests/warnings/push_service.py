"""A real push service on this machine for the tests, and a browser's side of Web Push.

`PushService` is an HTTP server on a free port that takes what an application server posts to a subscription's
endpoint (RFC 8030), answers each endpoint as told (201 by default; 410 for one the browser dropped; 503 while it is
down), and checks every message as a push service must: the VAPID Authorization (RFC 8292: an ES256 JWT signed by
the deployment's key, for the endpoint's origin, not expired). `Browser` plays the phone: its own P-256 key pair and
authentication secret, as PushManager makes them, and the decryption of an aes128gcm message (RFC 8188, RFC 8291),
written here from the RFCs with `cryptography`, not with the library that sealed it.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(key) -> bytes:
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


@dataclass
class Received:
    """One message as the push service took it."""

    path: str
    headers: dict
    body: bytes
    claims: dict  # the VAPID JWT's, once its signature was checked
    vapid_key: str  # the k= of the Authorization


@dataclass
class PushService:
    vapid_public_key: str
    received: list[Received] = field(default_factory=list)
    answers: dict = field(default_factory=dict)  # path -> status (default 201)
    refused: list[str] = field(default_factory=list)  # why a message was refused (401), as a real service would

    def start(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections kept, as a push service keeps them

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    claims, key = service.check_vapid(headers.get("authorization", ""), self.path)
                except Exception as exc:  # noqa: BLE001 -- whatever is wrong with it, refused and told
                    service.refused.append(f"{type(exc).__name__}: {exc}")
                    self.answer(401)
                    return
                service.received.append(Received(self.path, headers, body, claims, key))
                self.answer(service.answers.get(self.path, 201))

            def answer(self, status):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128  # a job posts many at once

        self.server = Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self) -> str:
        """A new subscription's endpoint at this service, as a push service hands one to a browser."""
        return f"{self.origin}/push/{secrets.token_urlsafe(12)}"

    def check_vapid(self, authorization: str, path: str) -> tuple[dict, str]:
        """RFC 8292: `vapid t=<JWT>, k=<public key>`, the key the deployment's, the JWT signed with it (ES256), its
        audience this service's origin, its expiry within a day, a contact as its subject."""
        scheme, _, params = authorization.partition(" ")
        assert scheme == "vapid", f"not a vapid Authorization: {authorization!r}"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        assert values["k"] == self.vapid_public_key, "signed with another key"
        header, claims, signature = values["t"].split(".")
        assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
        raw = unb64url(signature)
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
        der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # InvalidSignature: refused
        claims = json.loads(unb64url(claims))
        assert claims["aud"] == self.origin, f"audience {claims['aud']} is not {self.origin}"
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "expired, or longer than a day"
        assert claims["sub"].startswith(("mailto:", "https:")), "no contact"
        return claims, values["k"]


class Browser:
    """One browser's push subscription: its keys, and reading what was sent to it."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self) -> dict:
        """As PushSubscription.toJSON() gives it."""
        keys = {"p256dh": b64url(point(self.private.public_key())), "auth": b64url(self.auth)}
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": keys}

    def decrypt(self, body: bytes) -> dict:
        """An aes128gcm message (RFC 8188 header: salt, record size, the sender's key; RFC 8291's keys), as JSON."""
        salt, record_size, id_length = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
        sender_key = body[21 : 21 + id_length]
        records = body[21 + id_length :]
        assert len(records) <= record_size, "one record for a small message"
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_key)
        shared = self.private.exchange(ec.ECDH(), sender)
        key_info = b"WebPush: info\x00" + point(self.private.public_key()) + sender_key
        ikm = _hkdf(self.auth, shared, key_info, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(cek).decrypt(nonce, records, None)
        text = plain.rstrip(b"\x00")
        assert text.endswith(b"\x02"), "the last record's delimiter"
        return json.loads(text[:-1].decode())


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 for one block (RFC 5869), as RFC 8291 uses it."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]
