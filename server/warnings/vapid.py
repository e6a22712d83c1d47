"""VAPID keys (RFC 8292) for Web Push: a deployment's P-256 key pair, written as the browsers' PushManager takes it.

The public key is the uncompressed point (65 bytes), the private key the 32-byte secret, both base64url without
padding: the form `flask warnings vapid-keys` prints and VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY take.
"""

import base64
import re

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# mailto: or https: (RFC 8292 §2.1): how a push service reaches the deployment's operators
SUBJECT = re.compile(r"(mailto:[^@\s]+@[^@\s]+|https://[^\s]+)")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """base64url with or without its padding; ValueError when it is not."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text or ""):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def public_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def generate_keys() -> tuple[str, str]:
    """A new key pair: (public, private)."""
    private = ec.generate_private_key(ec.SECP256R1())
    return b64url(public_point(private.public_key())), b64url(private.private_numbers().private_value.to_bytes(32))


def private_key(private: str) -> ec.EllipticCurvePrivateKey:
    secret = unb64url(private)
    if len(secret) != 32:
        raise ValueError("the private key is not 32 bytes")
    return ec.derive_private_key(int.from_bytes(secret), ec.SECP256R1())


def check_keys(public: str, private: str, subject: str) -> None:
    """ValueError, saying what is wrong, unless the three make a deployment's VAPID settings."""
    try:
        key = private_key(private)
    except ValueError:
        raise ValueError("VAPID_PRIVATE_KEY must be a P-256 private key, 32 bytes in base64url") from None
    try:
        point = unb64url(public)
    except ValueError:
        point = b""
    if point != public_point(key.public_key()):
        raise ValueError("VAPID_PUBLIC_KEY must be the public key of VAPID_PRIVATE_KEY (65 bytes in base64url)")
    if not SUBJECT.fullmatch(subject):
        raise ValueError("VAPID_SUBJECT must be a mailto: address or an https: URL of the deployment's operators")
