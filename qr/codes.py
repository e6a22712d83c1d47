"""Site tag codes (场所码): signing, verifying and parsing the short code printed on a QR tag.

A tag code is 15 characters of Crockford base32, shown to people in three groups of five, e.g.
``A000C-1S446-C88C2`` (key A, serial 12345):

- 1 character: the id of the key that signed it (one of ALPHABET, as in ``QR_SIGNING_KEYS``);
- 6 characters: the tag's serial number, which the caller's database assigns (1 ≤ serial < 32**6);
- 8 characters: the first 40 bits of HMAC-SHA256(secret, "safegrid-tag-v1|kid|serial").

Any single mistyped or forged code is accepted with probability 2**-40 (about one in 10**12), so a
typo is refused rather than opening the wrong site, and codes cannot be made up without the key.
The serial is readable in the code on purpose: a code need not be secret, only unforgeable.

Keys come from ``QR_SIGNING_KEYS`` ("A:secret,B:secret"): the first key signs new tags, every listed
key verifies. To rotate, put a new key first and keep the old one after it; once every tag signed by
the old key has been reprinted, remove it from the list: it is then retired and its tags are refused
as ``unknown_key``.

Revocation is the database's job, not this module's: a code that verifies names a serial, and the
caller looks that serial up and refuses it if the tag was revoked. A replacement tag for the same
site gets a new serial, hence a new code.

Typing by hand is forgiving in the way Crockford base32 intends: case does not matter, dashes and
spaces are ignored, O reads as 0 and I or L as 1; full-width characters from a Chinese input method
are folded to ASCII. U is not part of the alphabet and is refused.

The URL in the QR code is all upper case, e.g. ``HTTPS://SAFEGRID.EXAMPLE.CN/S/A000C-1S446-C88C2``,
because QR alphanumeric mode (0-9, A-Z, space and $%*+-./:) packs 5.5 bits per character instead of
8, which gives a smaller symbol with bigger modules at the same printed size. Scheme and host are
case-insensitive, so browsers open it as ``https://safegrid.example.cn/S/...``, but the path is not:
the server must route ``/S/<code>`` as well as ``/s/<code>``. ``code_from_url`` accepts either.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal
from urllib.parse import unquote, urlsplit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32; also the set of key ids (KEY_IDS)
MIN_SECRET_LENGTH = 16
SERIAL_CHARS = 6
MAC_CHARS = 8  # 40 bits
CODE_LENGTH = 1 + SERIAL_CHARS + MAC_CHARS
MAX_SERIAL = 32**SERIAL_CHARS - 1
GROUP = 5

# Changing the domain prefix invalidates every printed tag; it exists so that a key shared by mistake
# with another use of HMAC can never produce a valid tag code.
_MAC_DOMAIN = b"safegrid-tag-v1"
# Hand-typed look-alikes (Crockford): letters that read as digits, fold to the digit.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
# Longer input is never a code; refusing it early bounds the work done on hostile input.
_MAX_INPUT = 64

Reason = Literal["malformed", "unknown_key", "bad_signature"]


class InvalidCode(ValueError):
    """A tag code that must not open a site.

    ``reason`` is ``malformed`` (wrong length or characters), ``unknown_key`` (signed by a key that
    is retired or never existed here) or ``bad_signature`` (mistyped or forged).
    """

    def __init__(self, reason: Reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Keyring:
    """The tag signing keys of a deployment: ``current`` signs, every key in ``keys`` verifies."""

    current: str
    keys: Mapping[str, bytes] = field(repr=False)  # kid -> secret; never printed in logs


@dataclass(frozen=True)
class Tag:
    """What a verified code says: which key signed it and the tag's serial number."""

    kid: str
    serial: int


def parse_keys(spec: str) -> Keyring:
    """Read a QR_SIGNING_KEYS value, "A:secret,B:secret"; the first key signs new tags."""
    keys: dict[str, bytes] = {}
    for position, item in enumerate(spec.strip().split(","), start=1):
        kid, colon, secret = item.partition(":")
        if not colon:
            raise ValueError(f"QR signing key {position} must be written kid:secret")
        if len(kid) != 1 or kid not in ALPHABET:
            raise ValueError(f"QR signing key {position}: the key id {kid!r} must be one character of {ALPHABET}")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"QR signing key {kid}: the secret must be at least {MIN_SECRET_LENGTH} characters")
        if kid in keys:
            raise ValueError(f"QR signing key id {kid} is listed twice")
        keys[kid] = secret.encode("utf-8")
    return Keyring(current=next(iter(keys)), keys=MappingProxyType(keys))


def sign(serial: int, keyring: Keyring) -> str:
    """The code for tag ``serial``, signed with the current key, grouped for people to read."""
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"a tag serial is a whole number from 1 to {MAX_SERIAL}, not {serial!r}")
    kid = keyring.current
    return _group(kid + _encode(serial, SERIAL_CHARS) + _mac(keyring.keys[kid], kid, serial))


def verify(code: str, keyring: Keyring) -> Tag:
    """The tag a printed or typed code stands for; raises InvalidCode if it must be refused."""
    compact = _compact(code)
    kid, serial_chars, mac = compact[0], compact[1 : 1 + SERIAL_CHARS], compact[1 + SERIAL_CHARS :]
    secret = keyring.keys.get(kid)
    if secret is None:
        raise InvalidCode("unknown_key")
    serial = _decode(serial_chars)
    if not hmac.compare_digest(mac, _mac(secret, kid, serial)):
        raise InvalidCode("bad_signature")
    return Tag(kid=kid, serial=serial)


def normalize(code: str) -> str:
    """The canonical printed form of a code as someone typed it (not verified)."""
    return _group(_compact(code))


def tag_url(base_url: str, code: str) -> str:
    """The URL a tag's QR code carries: ``HTTPS://HOST/S/CODE``, upper case for alphanumeric mode.

    Only scheme and host are upper-cased: a path under the base URL (``/safegrid``) is kept as given
    because paths are case-sensitive, which costs the compact QR mode when it has lower case.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the tag base URL must be http(s)://host[/path], not {base_url!r}")
    origin = f"{parts.scheme}://{parts.netloc}".upper()
    return f"{origin}{parts.path.rstrip('/')}/S/{normalize(code)}"


def code_from_url(url: str) -> str:
    """The canonical code in a scanned tag URL (``…/S/CODE`` or ``…/s/CODE``); not verified."""
    if not isinstance(url, str) or len(url) > 2048:
        raise InvalidCode("malformed")
    try:
        path = urlsplit(url.strip()).path
    except ValueError:  # e.g. an unbalanced IPv6 bracket in the host
        raise InvalidCode("malformed") from None
    prefix, slash_s, code = path.rstrip("/").rpartition("/")
    if not slash_s or prefix.rpartition("/")[2] not in ("s", "S"):
        raise InvalidCode("malformed")
    return normalize(unquote(code))


def _compact(code: str) -> str:
    """The 15 significant characters of a code, upper case, look-alikes folded; else malformed."""
    if not isinstance(code, str) or len(code) > _MAX_INPUT:
        raise InvalidCode("malformed")
    # NFKC folds full-width letters and digits (typed with a Chinese IME) to ASCII.
    folded = unicodedata.normalize("NFKC", code)
    if not folded.isascii():
        raise InvalidCode("malformed")
    compact = folded.upper().translate(_LOOKALIKES)
    if len(compact) != CODE_LENGTH or any(char not in ALPHABET for char in compact):
        raise InvalidCode("malformed")
    return compact


def _group(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def _mac(secret: bytes, kid: str, serial: int) -> str:
    message = b"|".join((_MAC_DOMAIN, kid.encode("ascii"), str(serial).encode("ascii")))
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return _encode(int.from_bytes(digest[:5], "big"), MAC_CHARS)


def _encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _decode(chars: str) -> int:
    number = 0
    for char in chars:
        number = number * 32 + ALPHABET.index(char)
    return number
