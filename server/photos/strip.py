"""A clean JPEG's metadata removed at the byte level, its picture untouched: the display copy of a photo the
phone has already made upright and within the display size, without decoding and encoding it again.

`clean_jpeg()` walks the markers strictly (anything a phone's encoder does not write sends the photo down the
full decode path instead) and keeps only what decoding needs: the frame, the tables, the scans with their
entropy-coded data, a JFIF APP0 rewritten without its thumbnail, and Adobe's APP14 (it says whether three
components are YCbCr or RGB). Everything else goes: APP1 (EXIF, XMP), APP2 (ICC, MPF), APP13 (Photoshop), COM,
every other APPn, and whatever follows the end-of-image marker. `metadata_left()` re-parses a result for the
verification after it. Bytes only (Pillow parses no more than the EXIF, for its orientation), no app.
"""

import re
import struct
from dataclasses import dataclass

from PIL import ExifTags, Image

# Baseline, extended (Huffman, 8-bit here) and progressive Huffman frames: what phones, cameras and canvas encoders
# write, and what every browser decodes. Arithmetic coding (SOF9-11) and lossless frames take the full path.
FRAMES = frozenset({0xC0, 0xC1, 0xC2})
TABLES = frozenset({0xC4, 0xDB, 0xDD})  # DHT, DQT, DRI
APP0, APP1, APP2, APP14, COM, SOS, EOI = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE, 0xDA, 0xD9
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # the end of entropy-coded data: not a stuffed FF, not a restart
KEPT = frozenset({APP0, APP14}) | FRAMES | TABLES | {SOS}


@dataclass(frozen=True)
class Clean:
    """A photo's bytes without metadata, and its size."""

    data: bytes
    width: int
    height: int
    scans: int


def clean_jpeg(data: bytes, side: int) -> Clean | None:
    """The JPEG without its metadata, if it needs no decoding to be served: a baseline or progressive Huffman
    frame of 8 bits, grey or three components, within `side` on both sides, an EXIF orientation of 1 (or none),
    no colour profile (the copies are sRGB without one: a profile means converting the pixels), and nothing but
    well-formed segments in a phone's order. None for anything else: the full path decodes it."""
    if not data.startswith(b"\xff\xd8"):
        return None
    kept, position, size, exif_seen, scans = [b"\xff\xd8"], 2, None, False, 0
    length_of = len(data)
    while True:
        if position + 2 > length_of or data[position] != 0xFF:
            return None  # fill bytes, stray bytes, a cut: a phone writes none
        code = data[position + 1]
        if code == EOI:
            # Nothing after the end: an MPO's pictures or an appended archive are the full path's to drop
            if size is None or position + 2 != length_of:
                return None
            kept.append(b"\xff\xd9")
            break
        if position + 4 > length_of:
            return None
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > length_of:
            return None
        body = data[position + 4 : end]
        if code in FRAMES:
            if size is not None or (size := _frame(body, side)) is None:
                return None
            kept.append(data[position:end])
        elif code in TABLES:
            kept.append(data[position:end])
        elif code == SOS:
            if size is None:
                return None
            found = NEXT_MARKER.search(data, end)
            if found is None:
                return None
            end = found.start()
            kept.append(data[position:end])
            scans += 1
        elif code == APP0:
            if body.startswith(b"JFIF\x00"):
                if len(body) < 14:
                    return None
                kept.append(jfif(body))  # its own thumbnail (a picture of the original) left out
            # JFXX extensions (thumbnails) and anything else in APP0 go
        elif code == APP14:
            if not body.startswith(b"Adobe") or len(body) != 12:
                return None  # the transform flag decides the colours: only the one layout trusted
            kept.append(data[position:end])
        elif code == APP1:
            if body.startswith(b"Exif\x00\x00"):
                if exif_seen or _orientation(body[6:]) != 1:
                    return None  # to be turned (or unreadable): the full path decodes and orients it
                exif_seen = True
        elif code == APP2:
            if body.startswith(b"ICC_PROFILE\x00"):
                return None
        elif 0xE3 <= code <= 0xEF or code == COM:
            pass  # metadata: left out
        else:
            return None  # DAC, DNL, other frames, reserved markers: not a phone's JPEG
        position = end
    return Clean(b"".join(kept), *size, scans)


def _frame(body: bytes, side: int) -> tuple[int, int] | None:
    if len(body) < 6:
        return None
    precision, height, width, components = struct.unpack_from(">BHHB", body)
    if precision != 8 or components not in (1, 3) or len(body) != 6 + 3 * components:
        return None
    if not (0 < width <= side and 0 < height <= side):
        return None
    return width, height


def _orientation(tiff: bytes) -> int | None:
    """The EXIF orientation (1 when absent), None when the EXIF cannot be read."""
    exif = Image.Exif()
    try:
        exif.load(tiff)
        value = exif.get(ExifTags.Base.Orientation, 1)
    except Exception:  # the phone's to get wrong: the full path decides what it means
        return None
    return value if value in range(1, 9) else None


def jfif(body: bytes) -> bytes:
    """A JFIF APP0 with the original's version, units and density, and no thumbnail."""
    return b"\xff\xe0\x00\x10JFIF\x00" + body[5:12] + b"\x00\x00"


def _needed(code: int, body: bytes) -> bool:
    if code == APP0:
        return body.startswith(b"JFIF\x00") and len(body) == 14
    if code == APP14:
        return body.startswith(b"Adobe") and len(body) == 12
    return code in KEPT


def metadata_left(data: bytes) -> list[int]:
    """The markers of a JPEG's segments, up to its end-of-image marker, that are neither needed to decode it
    nor a bare JFIF or Adobe segment: what a stripped copy must not have. A structure it cannot walk is one
    entry of -1."""
    found, position = [], 2
    while position + 2 <= len(data) and data[position] == 0xFF:
        code = data[position + 1]
        if code == EOI:
            return found + ([-1] if position + 2 != len(data) else [])
        if position + 4 > len(data):
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        body = data[position + 4 : end]
        if not _needed(code, body):
            found.append(code)
        if code == SOS:
            marker = NEXT_MARKER.search(data, end)
            if marker is None:
                break
            end = marker.start()
        position = end
    return [*found, -1]
