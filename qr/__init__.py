"""Site QR tags (场所码): signed short codes, their QR images and printable label sheets.

A plain library: callers pass keys and data in; nothing here reads app config or the database.
``qr.codes`` signs and verifies codes, ``qr.render`` draws QR images, ``qr.labels`` makes A4 sheets.
"""

from qr.codes import (
    InvalidCode,
    Keyring,
    Tag,
    code_from_url,
    normalize,
    parse_keys,
    sign,
    tag_url,
    verify,
)

__all__ = ["InvalidCode", "Keyring", "Tag", "code_from_url", "normalize", "parse_keys", "sign", "tag_url", "verify"]
