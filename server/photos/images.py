"""The image pipeline: open a photo within its format, decode it within the pixel cap, shrink, orient, bring its
colours to sRGB and re-encode it as JPEG, with the watermark's text and drawing; or, for a clean JPEG the phone has
already made upright and within the display size, only its metadata removed at the byte level (photos/strip.py),
verified, and the thumbnail from a DCT-scaled decode. Pillow only: no database, no app, no storage (the job in
photos/tasks.py brings those)."""

import io
import logging
import os
import subprocess
from datetime import datetime
from typing import NamedTuple

from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFont
from PIL.JpegImagePlugin import JpegImageFile
from pillow_heif import register_heif_opener

from server.core.cache import memoised
from server.core.i18n import SHANGHAI
from server.photos.strip import clean_jpeg, metadata_left

log = logging.getLogger("safegrid.photos")
register_heif_opener()

# The formats a photo may arrive in (as their signatures and Pillow name them), and how each is served.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}

DISPLAY_SIDE, THUMB_SIDE = 1600, 320
# Progressive display copies: on a slow link a phone shows the whole picture early. Thumbnails are
# small enough to arrive at once, and baseline encodes them ten times faster. No optimize pass: it costs
# more time than the few per cent it saves.
JPEG_OPTIONS = {"quality": 82, "progressive": True}
THUMB_OPTIONS = {"quality": 82}
T = Image.Transpose
ORIENTATION = {
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_270,
    7: T.TRANSVERSE,
    8: T.ROTATE_90,
}  # as ImageOps.exif_transpose, applied after shrinking
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# CJK fonts for the watermark, where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*), macOS and Windows keep them
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


# What Pillow's header parser names a photo's metadata by: none of it may be left in a stripped copy
METADATA_INFO = frozenset({"exif", "icc_profile", "comment", "xmp", "photoshop", "mp", "mpoffset"})


class Copies(NamedTuple):
    """A photo's two copies, and how the display copy was made: "bytes" (the original's picture untouched,
    its metadata removed at the byte level) or "decoded" (decoded, oriented, resized and encoded again)."""

    display: bytes
    thumb: bytes
    path: str


class Undecodable(Exception):
    """An original whose pixels cannot be decoded (or may not be: over the pixel cap). A fault of its bytes,
    not of the moment: tried again it would fail again, at the cost of another decode."""


def open_photo(file, kind: str | None = None) -> Image.Image:
    """Open a photo in an allowed format (or in `kind` only): reads the header, decodes no pixels yet."""
    return Image.open(file, formats=[kind] if kind else list(FORMATS))


def decoded(data: bytes, side: int, *, draft: bool = True, max_pixels: int | None = None):
    """The original's pixels and the size its display copy will have (within a square of `side`), or
    Undecodable. The pixel cap is checked before a pixel is decoded, and bounds the memory too: a PNG
    inflates no further than its width × height. A JPEG is drafted: libjpeg itself shrinks it."""
    try:
        im = open_photo(io.BytesIO(data))
        if max_pixels is not None and im.width * im.height > max_pixels:
            raise Undecodable(f"{im.width}×{im.height} is over the cap of {max_pixels} pixels")
        size = fit(im.size, side)
        if draft and isinstance(im, JpegImageFile):  # JPEG, and MPO (a JPEG with more pictures after it)
            # The real target box, so that the JPEG decoder itself shrinks (by 1/2, 1/4 or 1/8) as far as
            # the result still covers it: a square (1600, 1600) box would not shrink a 4:3 photo at all.
            # Not for HEIF, whose draft swaps in an embedded thumbnail, a separate picture.
            im.draft("RGB", size)
        im.load()  # before EXIF is read: a PNG's getexif() would decode it, and swallow what fails
    except Undecodable:
        raise
    except Exception as exc:  # whatever Pillow and its codecs make of bytes that are not a whole picture
        raise Undecodable(f"{type(exc).__name__}: {exc}") from exc
    return im, size


def orientation(im: Image.Image) -> int:
    """The EXIF orientation (1 when absent or unreadable; HEIF's is already applied by libheif)."""
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # EXIF is the phone's to get wrong; the picture still counts
        return 1
    return value if value in ORIENTATION else 1


def fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size within a square of `side`, keeping the aspect; never enlarged."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def as_rgb(im: Image.Image) -> Image.Image:
    """The decoded pixels as RGB: transparency over white (a JPEG has none), grey and CMYK converted."""
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if im.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit grey PNG
        return im.convert("I").point(lambda value: value / 256).convert("L").convert("RGB")
    return im.convert("RGB") if im.mode != "RGB" else im


def to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Colours as the phone meant them (iPhones shoot Display P3), since the copies carry no profile."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "sRGB" in ImageCms.getProfileDescription(profile):
            return im
        return ImageCms.profileToProfile(im, profile, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # a broken profile: the pixels as they are


def encode(im: Image.Image, options: dict) -> bytes:
    im.info = {}  # nothing of the original's metadata goes along: EXIF, XMP, ICC, comments
    out = io.BytesIO()
    im.save(out, "JPEG", **options)
    return out.getvalue()


def render(file, *, draft: bool = True, watermark=None, max_pixels: int | None = None, strip: bool = True) -> Copies:
    """An original's copies: its clean JPEG stripped at the byte level (`strip`, and no watermark to draw), else
    decoded, shrunk, oriented and re-encoded."""
    data = file.read()  # whole first: a store failing mid-read is not a photo that cannot be decoded
    if strip and watermark is None:
        copies = stripped(data, max_pixels)
        if copies is not None:
            return copies
    return decoded_copies(data, draft=draft, watermark=watermark, max_pixels=max_pixels)


def stripped(data: bytes, max_pixels: int | None = None, *, max_scans: int | None = None) -> Copies | None:
    """The byte-level path: the display copy is the original without its metadata, verified by parsing it again
    (the markers: nothing but what decoding needs; Pillow's header: a JPEG of the same size with no metadata; the
    thumbnail's decode: every scan decodes). None whenever anything is not as a clean phone JPEG is: the full
    path then decides (and refuses what cannot be decoded, as ever)."""
    clean = clean_jpeg(data, DISPLAY_SIDE)
    if clean is None or (max_pixels is not None and clean.width * clean.height > max_pixels):
        return None
    if max_scans is not None and clean.scans > max_scans:
        return None
    left = metadata_left(clean.data)
    if left:  # cannot happen for what clean_jpeg returns: verified all the same, and the full path takes it
        log.error("a stripped JPEG kept markers %s: decoded instead", left)
        return None
    size = fit((clean.width, clean.height), THUMB_SIDE)
    try:
        im = open_photo(io.BytesIO(clean.data), "JPEG")
        if (
            type(im) is not JpegImageFile
            or im.size != (clean.width, clean.height)
            or METADATA_INFO & im.info.keys()
            or any(name not in ("APP0", "APP14") for name, _ in im.applist)
        ):
            log.error("a stripped JPEG did not parse as clean: decoded instead")
            return None
        # A DCT-scaled decode: libjpeg makes the picture at 1/2, 1/4 or 1/8 while decoding, the smallest that
        # still covers the thumbnail (1/4 of a 1600 × 1200 photo), and every scan is decoded on the way
        im.draft("RGB", size)
        im.load()
        thumb = as_rgb(im)
    except Exception:  # whatever Pillow makes of it, the full path decides
        return None
    if thumb.size != size:
        # What remains after the scaled decode is a reduction by less than 2 (400 → 320 px for a 1600 px photo),
        # where bilinear's 2-pixel support looks as bicubic's 4 does and costs half (about 0.6 ms a photo)
        thumb = thumb.resize(size, Image.Resampling.BILINEAR)
    return Copies(clean.data, encode(thumb, THUMB_OPTIONS), "bytes")


def decoded_copies(data: bytes, *, draft: bool = True, watermark=None, max_pixels: int | None = None) -> Copies:
    """The full path: decode, shrink, orient and re-encode an original."""
    im, size = decoded(data, DISPLAY_SIDE, draft=draft, max_pixels=max_pixels)
    turn = ORIENTATION.get(orientation(im))
    icc = im.info.get("icc_profile")
    im = as_rgb(im)
    if im.size != size:
        im = im.resize(size, Image.Resampling.BICUBIC)
    if icc:
        im = to_srgb(im, icc)
    if turn is not None:
        im = im.transpose(turn)  # after shrinking: the same picture, a fraction of the pixels to move
    # From the display copy, not the original: far cheaper. Reduced by whole factors first (5 from a
    # full-size display copy, a box filter) and then resampled for what remains.
    thumb = im.resize(fit(im.size, THUMB_SIDE), Image.Resampling.BICUBIC, reducing_gap=1.0)
    if watermark is not None:
        watermark(im)
    return Copies(encode(im, JPEG_OPTIONS), encode(thumb, THUMB_OPTIONS), "decoded")


# ---- 水印照片: time, place and reporter on the display copy (PHOTO_WATERMARK) -------------------------


@memoised(maxsize=4)
def cjk_font_path(configured: str | None) -> str | None:
    """A font with Chinese glyphs: the configured one, a usual place, or what fontconfig knows; else None."""
    for path in ((configured,) if configured else ()) + CJK_FONTS:
        if os.path.isfile(path):
            return path
    if configured:
        log.warning("PHOTO_WATERMARK_FONT %s does not exist", configured)
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout  # no font list, no font: the watermark does without
    except (OSError, subprocess.SubprocessError):
        found = ""
    paths = sorted(line.split(":")[0].strip() for line in found.splitlines() if line.strip())
    if not paths:
        log.warning("no CJK font found: watermarks show only the time and the coordinates")
    return paths[0] if paths else None


@memoised(maxsize=16)
def _font(path: str | None, size: int):
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def watermark_lines(
    *,
    taken_at: datetime | None,
    received_at: datetime,
    latitude: float | None,
    longitude: float | None,
    site_name: str | None,
    reporter: str,
    cjk: bool,
) -> list[str]:
    """The watermark's text. Without a CJK font only what Latin glyphs can show: time and coordinates."""
    when = (taken_at or received_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    coordinates = f"{latitude:.5f}, {longitude:.5f}" if latitude is not None and longitude is not None else ""
    if not cjk:
        return [f"{when} UTC+8 ({'taken' if taken_at else 'received'})", coordinates]
    first = f"{'拍摄' if taken_at else '上传'} {when}  上报人 {reporter}"
    return [first, f"{site_name or ''}  {coordinates}".strip()]


def stamp(im: Image.Image, lines: list[str], font_path: str | None) -> None:
    """Draw the lines on a dark band across the bottom of the picture, in place."""
    lines = [line for line in lines if line]
    font = _font(font_path, max(12, round(min(im.size) * 0.028)))
    pad, step = round(font.size * 0.5), round(font.size * 1.3)
    box = (0, im.height - 2 * pad - step * len(lines), im.width, im.height)
    band = Image.blend(im.crop(box), Image.new("RGB", (box[2], box[3] - box[1]), "black"), 0.55)
    draw = ImageDraw.Draw(band)
    for i, text in enumerate(lines):
        line = text
        while len(line) > 1 and draw.textlength(line, font=font) > im.width - 2 * pad:
            line = line[:-1]  # too long for a narrow (portrait) picture: cut rather than overflow
        draw.text((pad, pad + i * step), line, font=font, fill="white")
    im.paste(band, box[:2])
