"""A corpus of hostile uploads, made in code: floods of segments and chunks, huge metadata, fill bytes, restart
markers, files cut short at every stage, bad checksums, decompression bombs, malformed containers, things that
are not photos. Each comes with what the server must answer: a refusal (status, code), or a photo stored whose
copy job then ends in a state (ready: the bytes are a picture, however odd; failed: they are not).

Used by tests/photos/test_hostile.py and bench/hostile_uploads.py; each file is made once per process.
"""

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache

from PIL import ExifTags, Image

from tests.photos.conftest import make_photo, scene

MIB = 1024 * 1024
FLOOD = 14 * MIB  # under PHOTO_MAX_BYTES (15 MiB): what a hostile upload may send


@dataclass(frozen=True)
class Hostile:
    name: str
    make: object  # () -> bytes
    status: int  # 201, or the refusal's
    outcome: str  # the refusal's code, or the stored photo's state once its copies job has run

    def data(self) -> bytes:
        return _made(self.make)


@cache
def _made(make) -> bytes:
    return make()


# ---- JPEG ---------------------------------------------------------------------------------------------------


def segment(marker: int, body: bytes = b"") -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


@cache
def jpeg(size=(800, 600), **options) -> bytes:
    return make_photo("JPEG", size=size, metadata=False, **options)


def after_soi(extra: bytes, base: bytes | None = None) -> bytes:
    base = base or jpeg()
    return base[:2] + extra + base[2:]


def scan_start(data: bytes) -> int:
    """Where the first scan's entropy-coded data begins."""
    sos = data.index(b"\xff\xda")
    return sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")


def flood(unit: bytes, total: int = FLOOD) -> bytes:
    return unit * (total // len(unit))


def exif_with_entries(count: int) -> bytes:
    """An APP1 EXIF body whose IFD0, Exif IFD and GPS IFD all point at one table of `count` entries."""
    head = b"Exif\x00\x00" + b"MM\x00*" + struct.pack(">I", 8)
    entries = [
        struct.pack(">HHII", ExifTags.Base.ExifOffset, 4, 1, 8),
        struct.pack(">HHII", ExifTags.Base.GPSInfo, 4, 1, 8),
    ]
    entries += [struct.pack(">HHII", 0x9000 + i % 4096, 4, 1, i) for i in range(count - 2)]
    return head + struct.pack(">H", count) + b"".join(entries) + struct.pack(">I", 0)


def exif_loop() -> bytes:
    """EXIF whose next-IFD offset points back at itself."""
    body = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1) + struct.pack(">HHII", 0x010F, 2, 4, 0)
    return b"Exif\x00\x00" + body + struct.pack(">I", 8)


def photoshop(size: int) -> bytes:
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + b"\x00\x00\x00\x00"
    return b"Photoshop 3.0\x00" + resource * ((size - 14) // len(resource))


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_frame(marker: int) -> bytes:
    data = bytearray(jpeg())
    data[data.index(b"\xff\xc0") + 1] = marker
    return bytes(data)


def progressive_scans(extra: int, size=(1600, 1200)) -> bytes:
    """A progressive JPEG (10 scans) with its last scan repeated `extra` times: each is decoded in turn."""
    data = jpeg(size, progressive=True, quality=90)
    last = data.rindex(b"\xff\xda")
    return data[:-2] + data[last:-2] * extra + b"\xff\xd9"


def noise_jpeg() -> bytes:
    """A genuine large photo: 6000×4000 of sensor-like noise, about 14 MiB."""
    out = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((6000, 4000), 40)] * 3).save(out, "JPEG", quality=90)
    return out.getvalue()


def garbage_scan() -> bytes:
    rng = random.Random(7)
    entropy = rng.randbytes(300_000).replace(b"\xff", b"\xff\x00")
    return jpeg()[: scan_start(jpeg())] + entropy + b"\xff\xd9"


def mpo() -> bytes:
    """A JPEG with a second picture after it (MPF), as phones write a depth or gain map."""
    out = io.BytesIO()
    scene((800, 600)).save(out, "MPO", save_all=True, append_images=[scene((400, 300))])
    return out.getvalue()


def zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.txt", "appended bytes")
    return jpeg() + archive.getvalue()


def jpeg_cut_in(marker: bytes, into: int) -> bytes:
    """A JPEG cut `into` bytes past the start of a marker."""
    data = make_photo("JPEG", size=(800, 600))  # with EXIF
    return data[: data.index(marker) + into]


# ---- PNG ------------------------------------------------------------------------------------------------------

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes = b"", crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def ihdr(width: int, height: int, colour: int = 2) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))


def rows(width: int, height: int) -> bytes:
    """An RGB picture's image data: each row a filter byte and mid-grey pixels."""
    return zlib.compress((b"\x00" + b"\x80" * (3 * width)) * height)


def png(*chunks: bytes, width: int = 64, height: int = 48) -> bytes:
    return SIGNATURE + ihdr(width, height) + b"".join(chunks) + chunk(b"IEND")


def png_image(width=64, height=48) -> bytes:
    return png(chunk(b"IDAT", rows(width, height)), width=width, height=height)


def png_split(pieces: int, width=256, height=256) -> bytes:
    """A valid PNG whose image data is cut into `pieces` IDAT chunks."""
    data = zlib.compress((b"\x00" + b"\x80" * (3 * width)) * height, 0)  # stored: as many bytes as pixels
    step = -(-len(data) // pieces)
    return png(*(chunk(b"IDAT", data[i : i + step]) for i in range(0, len(data), step)), width=width, height=height)


def blank_png(width: int, height: int, mode: str = "L") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 20, 30, 128) if mode == "RGBA" else 200).save(out, "PNG")
    return out.getvalue()


def inflating_idat(width=1000, height=1000, extra=512 * MIB) -> bytes:
    """Image data that inflates to half a gigabyte, of which width × height × 3 are the picture."""
    compressor = zlib.compressobj(9)
    data = compressor.compress((b"\x00" + b"\x80" * (3 * width)) * height)
    zeros = bytes(MIB)
    data += b"".join(compressor.compress(zeros) for _ in range(extra // MIB)) + compressor.flush()
    return png(chunk(b"IDAT", data), width=width, height=height)


def ztxt(size: int = 1_000_000) -> bytes:
    return chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * size, 9))


def exif_after_idat() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    return SIGNATURE + ihdr(64, 48) + chunk(b"IDAT", rows(64, 48)) + chunk(b"eXIf", exif.tobytes()) + chunk(b"IEND")


# ---- WebP and HEIC ------------------------------------------------------------------------------------------------


def riff(*chunks: bytes, size: int | None = None) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) if size is None else size) + body


def webp_chunk(fourcc: bytes, body: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


@cache
def webp_image() -> bytes:
    """The VP8 chunk of a real WebP."""
    data = make_photo("WEBP", metadata=False, quality=80)
    return data[12:]


def webp_extended(*chunks: bytes) -> bytes:
    """A WebP in the extended format (VP8X, flagged for EXIF) around a real picture, with these chunks after it."""
    width, height = 400, 300  # make_photo's
    header = bytes([0x08, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return riff(webp_chunk(b"VP8X", header), webp_image(), *chunks)


def webp_claiming(width: int, height: int) -> bytes:
    data = bytearray(make_photo("WEBP", metadata=False, quality=80))
    start = data.index(b"VP8 ") + 8
    data[start + 6 : start + 10] = struct.pack("<HH", width, height)
    return bytes(data)


def box(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


@cache
def heic() -> bytes:
    return make_photo("HEIF", metadata=False, quality=80)


def heic_claiming(width: int, height: int) -> bytes:
    data = bytearray(heic())
    ispe = data.index(b"ispe")
    data[ispe + 8 : ispe + 16] = struct.pack(">II", width, height)
    return bytes(data)


def heic_garbage_mdat() -> bytes:
    data = bytearray(heic())
    mdat = data.index(b"mdat") + 4
    data[mdat:] = random.Random(3).randbytes(len(data) - mdat)
    return bytes(data)


def nested_meta(depth: int) -> bytes:
    inner = b""
    for _ in range(depth):
        inner = box(b"meta", b"\x00\x00\x00\x00" + inner)
    return heic()[: heic().index(b"meta") - 4] + inner


FTYP = box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")


# ---- the corpus -----------------------------------------------------------------------------------------------

DAMAGED, COMPLEX, METADATA, PIXELS, UNSUPPORTED = (
    "damaged_image",
    "image_too_complex",
    "too_much_metadata",
    "too_many_pixels",
    "unsupported_image_type",
)

CORPUS = [
    # JPEG: floods of segments and bytes where Pillow's header parser loops in Python
    Hostile("jpeg-14mib-of-empty-comments", lambda: after_soi(flood(segment(0xFE))), 422, COMPLEX),
    Hostile("jpeg-14mib-of-64k-comments", lambda: after_soi(flood(segment(0xFE, b"x" * 65000))), 422, METADATA),
    Hostile(
        "jpeg-300-app-segments",
        lambda: after_soi(b"".join(segment(0xE0 + i % 16, b"a" * 20) for i in range(300))),
        422,
        COMPLEX,
    ),
    Hostile("jpeg-14mib-of-tiny-dri-segments", lambda: after_soi(flood(segment(0xDD, b"\x00\x00"))), 422, COMPLEX),
    Hostile("jpeg-14mib-of-fill-bytes-in-header", lambda: after_soi(b"\xff" * FLOOD), 422, COMPLEX),
    Hostile("jpeg-14mib-of-junk-between-segments", lambda: after_soi(b"\x00" * FLOOD), 422, COMPLEX),
    Hostile("jpeg-14mib-of-fill-before-eoi", lambda: jpeg()[:-2] + b"\xff" * FLOOD + b"\xff\xd9", 422, COMPLEX),
    Hostile("jpeg-restart-markers-in-header", lambda: after_soi(flood(b"\xff\xd0\xff\xd1", 4 * MIB)), 422, COMPLEX),
    Hostile(
        "jpeg-14mib-scan-of-restart-markers",
        lambda: jpeg()[: scan_start(jpeg())] + flood(bytes([0xFF, 0xD0, 0xFF, 0xD7])) + b"\xff\xd9",
        201,
        "ready",
    ),
    Hostile(
        "jpeg-a-restart-every-block",
        lambda: make_photo("JPEG", size=(2000, 1500), metadata=False, restart_marker_blocks=1),
        201,
        "ready",
    ),
    Hostile("jpeg-64-scans", lambda: progressive_scans(54), 201, "ready"),
    Hostile("jpeg-65-scans", lambda: progressive_scans(55), 422, COMPLEX),
    Hostile("jpeg-64-scans-at-24-megapixels", lambda: progressive_scans(54, size=(6000, 4000)), 201, "ready"),
    Hostile(
        "jpeg-quantization-tables-by-the-thousand",
        lambda: after_soi(segment(0xDB, b"".join(bytes([i % 4]) + bytes(range(1, 65)) for i in range(1000)))),
        422,
        COMPLEX,
    ),
    Hostile("jpeg-64-photoshop-segments", lambda: after_soi(segment(0xED, photoshop(65000)) * 64), 422, METADATA),
    Hostile("jpeg-huge-exif-5400-entries", lambda: after_soi(segment(0xE1, exif_with_entries(5400))), 201, "ready"),
    Hostile("jpeg-two-exif-segments", lambda: after_soi(segment(0xE1, exif_with_entries(5400)) * 2), 422, METADATA),
    Hostile("jpeg-exif-in-a-loop", lambda: after_soi(segment(0xE1, exif_loop())), 201, "ready"),
    Hostile(
        "jpeg-4mib-of-icc-profile",
        lambda: after_soi(
            b"".join(segment(0xE2, b"ICC_PROFILE\x00" + bytes([i + 1, 60]) + b"p" * 65000) for i in range(60))
        ),
        422,
        METADATA,
    ),
    Hostile("jpeg-claiming-65000x65000", lambda: jpeg_claiming(65000, 65000), 422, PIXELS),
    Hostile("jpeg-claiming-height-0", lambda: jpeg_claiming(800, 0), 422, DAMAGED),
    Hostile("jpeg-hierarchical-frame", lambda: jpeg_frame(0xC5), 422, DAMAGED),
    Hostile(
        "jpeg-two-frames",
        lambda: after_soi(segment(0xC0, struct.pack(">BHHB", 8, 48, 64, 1) + b"\x01\x11\x00")),
        422,
        DAMAGED,
    ),
    Hostile("jpeg-scan-before-frame", lambda: after_soi(segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")), 422, DAMAGED),
    Hostile("jpeg-reserved-marker", lambda: after_soi(segment(0x02, b"xx")), 422, DAMAGED),
    Hostile("jpeg-garbage-entropy-data", garbage_scan, 201, "ready"),
    Hostile("jpeg-with-a-second-picture-mpo", mpo, 201, "ready"),
    Hostile("jpeg-zip-polyglot", zip_polyglot, 201, "ready"),
    Hostile("jpeg-6000x4000-14mib-photo", noise_jpeg, 201, "ready"),
    # JPEG cut short at every stage
    Hostile("jpeg-only-soi", lambda: b"\xff\xd8", 422, DAMAGED),
    Hostile("jpeg-cut-in-exif", lambda: jpeg_cut_in(b"\xff\xe1", 40), 422, DAMAGED),
    Hostile("jpeg-cut-in-quantization-table", lambda: jpeg_cut_in(b"\xff\xdb", 30), 422, DAMAGED),
    Hostile("jpeg-cut-in-frame-header", lambda: jpeg_cut_in(b"\xff\xc0", 6), 422, DAMAGED),
    Hostile("jpeg-cut-after-scan-header", lambda: jpeg()[: scan_start(jpeg())], 422, DAMAGED),
    Hostile("jpeg-cut-in-entropy-data", lambda: jpeg()[: len(jpeg()) // 2], 422, DAMAGED),
    Hostile("jpeg-cut-before-eoi", lambda: jpeg()[:-2], 422, DAMAGED),
    Hostile("jpeg-cut-in-eoi", lambda: jpeg()[:-1], 422, DAMAGED),
    # PNG
    Hostile("png-9000-idat-chunks", lambda: png_split(9000, 512, 512), 422, COMPLEX),
    Hostile("png-8000-idat-chunks", lambda: png_split(8000, 512, 512), 201, "ready"),
    Hostile(
        "png-100000-text-chunks",
        lambda: png(*[chunk(b"tEXt", b"k\x00v")] * 100_000, chunk(b"IDAT", rows(64, 48))),
        422,
        COMPLEX,
    ),
    Hostile(
        "png-10mib-text-chunk",
        lambda: png(chunk(b"tEXt", b"Comment\x00" + b"x" * (10 * MIB)), chunk(b"IDAT", rows(64, 48))),
        422,
        METADATA,
    ),
    Hostile("png-9-ztxt-bombs", lambda: png(*[ztxt()] * 9, chunk(b"IDAT", rows(64, 48))), 422, COMPLEX),
    Hostile("png-8-ztxt-bombs", lambda: png(*[ztxt()] * 8, chunk(b"IDAT", rows(64, 48))), 201, "ready"),
    Hostile("png-bad-crc", lambda: png(chunk(b"IDAT", rows(64, 48), crc=0)), 422, DAMAGED),
    Hostile("png-no-iend", lambda: png_image()[:-12], 422, DAMAGED),
    Hostile("png-no-idat", png, 422, DAMAGED),
    Hostile("png-first-chunk-not-ihdr", lambda: SIGNATURE + chunk(b"tEXt", b"k\x00v") + png_image()[8:], 422, DAMAGED),
    Hostile(
        "png-idat-not-consecutive",
        lambda: png(chunk(b"IDAT", rows(64, 48)[:20]), chunk(b"tEXt", b"k\x00v"), chunk(b"IDAT", rows(64, 48)[20:])),
        422,
        DAMAGED,
    ),
    Hostile("png-chunk-length-past-the-end", lambda: png_image()[:-20] + b"\x7f\xff\xff\xffIDAT", 422, DAMAGED),
    Hostile("png-7000x7000-under-the-cap", lambda: blank_png(7000, 7000), 201, "ready"),
    Hostile("png-7000x7000-with-transparency", lambda: blank_png(7000, 7000, "RGBA"), 201, "ready"),
    Hostile("png-8000x7000-over-the-cap", lambda: blank_png(8000, 7000), 422, PIXELS),
    Hostile("png-header-60000x60000", lambda: png(chunk(b"IDAT", rows(64, 4)), width=60000, height=60000), 422, PIXELS),
    Hostile("png-idat-inflating-to-half-a-gigabyte", inflating_idat, 201, "ready"),
    Hostile(
        "png-idat-zlib-cut-short",
        lambda: png(chunk(b"IDAT", rows(256, 256)[:-200]), width=256, height=256),
        201,
        "failed",
    ),
    Hostile("png-idat-not-zlib", lambda: png(chunk(b"IDAT", random.Random(5).randbytes(4000))), 201, "failed"),
    Hostile("png-exif-after-the-image-data", exif_after_idat, 201, "ready"),
    # WebP
    Hostile("webp-riff-longer-than-the-file", lambda: riff(webp_image(), size=len(webp_image()) + 5000), 422, DAMAGED),
    Hostile(
        "webp-chunk-longer-than-the-riff", lambda: riff(b"VP8 " + struct.pack("<I", 10**6) + b"x" * 100), 422, DAMAGED
    ),
    Hostile("webp-65-chunks", lambda: riff(webp_image(), *[webp_chunk(b"ZZZZ", b"zz")] * 64), 422, COMPLEX),
    Hostile("webp-5mib-of-xmp", lambda: riff(webp_image(), webp_chunk(b"XMP ", b"x" * (5 * MIB))), 422, METADATA),
    Hostile("webp-1mib-of-exif", lambda: webp_extended(webp_chunk(b"EXIF", b"MM\x00*" + bytes(MIB))), 422, METADATA),
    Hostile("webp-no-image-chunk", lambda: riff(webp_chunk(b"VP8X", bytes(10))), 422, DAMAGED),
    Hostile("webp-claiming-16383x16383", lambda: webp_claiming(16383, 16383), 422, PIXELS),
    Hostile("webp-claiming-7000x7000", lambda: webp_claiming(7000, 7000), 201, "failed"),
    Hostile("webp-cut-short", lambda: webp_extended(webp_chunk(b"EXIF", exif_loop()[6:]))[:-40], 422, DAMAGED),
    # HEIC
    Hostile("heic-cut-short", lambda: heic()[: len(heic()) * 3 // 5], 422, DAMAGED),
    Hostile("heic-5000-boxes", lambda: heic() + box(b"free") * 5000, 422, COMPLEX),
    Hostile("heic-meta-nested-20-deep", lambda: nested_meta(20), 422, COMPLEX),
    Hostile("heic-without-meta", lambda: FTYP + box(b"mdat", b"x" * 1000), 422, DAMAGED),
    Hostile("heic-box-size-too-small", lambda: FTYP + struct.pack(">I4s", 4, b"meta") + b"x" * 100, 422, DAMAGED),
    Hostile("heic-claiming-60000x60000", lambda: heic_claiming(60000, 60000), 422, PIXELS),
    Hostile("heic-claiming-9000x9000", lambda: heic_claiming(9000, 9000), 422, PIXELS),
    Hostile("heic-garbage-image-data", heic_garbage_mdat, 201, "failed"),
    # not photos at all
    Hostile("empty", lambda: b"", 400, "empty_body"),
    Hostile("one-byte", lambda: b"\xff", 415, UNSUPPORTED),
    Hostile("zip", lambda: zip_polyglot()[len(jpeg()) :], 415, UNSUPPORTED),
    Hostile("pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", 415, UNSUPPORTED),
    Hostile("pdf-with-a-jpeg-inside", lambda: b"%PDF-1.7\n" + jpeg() + b"\n%%EOF\n", 415, UNSUPPORTED),
    Hostile(
        "svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415, UNSUPPORTED
    ),
    Hostile("gif", lambda: make_photo("GIF", metadata=False), 415, UNSUPPORTED),
    Hostile("14mib-of-zeros", lambda: bytes(FLOOD), 415, UNSUPPORTED),
]

BY_NAME = {hostile.name: hostile for hostile in CORPUS}
