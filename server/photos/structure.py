"""An upload checked by its structure before any decoder reads it, with caps no camera reaches.

JPEG segments, PNG chunks, WebP's RIFF chunks and HEIF's ISO-BMFF boxes are each walked to their end, in
time linear in the bytes and spent mostly in C (re, bytes.find, zlib.crc32). The caps bound what Pillow's own
header parsers then do in Python: its JPEG parser handles one marker, fill byte or stray byte per loop and
keeps every APPn and COM; its PNG parser handles one chunk per loop and inflates compressed text. No pixel is
decoded here: that is the copy job's, which marks a photo it cannot decode failed.
"""

import re
import struct
import zlib

KIB, MIB = 1024, 1024 * 1024

# A phone's JPEG carries about 15 segments before its image data: JFIF, EXIF with its thumbnail (one APP1
# segment, so at most 64 KiB), XMP, an ICC profile (Display P3: half a kilobyte), MPF (whose extra pictures, an
# HDR gain map or a depth map, follow the end-of-image marker and are not walked), two to four tables of each
# kind and the frame. Progressive files have about 10 scans (libjpeg's standard script), two segments each.
# Extended XMP (the depth map of old Google cameras) adds one segment per 64 KiB.
JPEG_MAX_SEGMENTS = 256  # every marker outside the entropy-coded data
JPEG_MAX_SCANS = 64  # the copy job's libjpeg decodes each scan over the whole picture
JPEG_MAX_METADATA = 4 * MIB  # APPn and COM bytes: about 64 segments of extended XMP, 16 times a phone's need
JPEG_MAX_PHOTOSHOP = 64 * KIB  # APP13, which Pillow parses resource by resource; phones write none
JPEG_MAX_STRAY = 1024  # fill bytes and junk between segments, which Pillow reads one by one; encoders write none
JPEG_MAX_DQT = 2 + 4 * 129  # four 16-bit tables: Pillow parses each in Python, and a segment may hold a thousand
# Markers with a length: frames (SOF0-3, SOF9-11; the hierarchical ones libjpeg cannot decode are left out),
# tables (DHT, DAC, DQT), the scan, DNL, DRI, APPn, COM. Standalone: TEM, RST0-7, EOI.
JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB})
JPEG_SEGMENTS = JPEG_FRAMES | {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE} | set(range(0xE0, 0xF0))
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
FILL = re.compile(rb"\xff+")
# In entropy-coded data a marker is FF followed by anything but 00 (a stuffed FF) or D0-D7 (restarts).
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")

# libpng writes 8 KiB IDAT chunks (1,920 for a 15 MiB file); Pillow 64 KiB ones. A photo's PNG has a handful
# of ancillary chunks (sRGB, gAMA, pHYs, iCCP, eXIf, a few tEXt); APNG frames (fcTL) count among them.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_MAX_CHUNKS = 8192
PNG_MAX_ANCILLARY = 64
PNG_MAX_COMPRESSED = 8  # zTXt, compressed iTXt and iCCP, which Pillow inflates (up to 1 MB each) reading the header
PNG_MAX_METADATA = 4 * MIB
PNG_IMAGE_DATA = frozenset({b"IDAT", b"fdAT"})

# A still WebP is at most VP8X, ICCP, VP8/VP8L (with ALPH), EXIF and XMP; an animation adds a chunk per frame.
WEBP_MAX_CHUNKS = 64
WEBP_MAX_METADATA = 4 * MIB
WEBP_IMAGE = frozenset({b"VP8 ", b"VP8L", b"ANMF"})
WEBP_PICTURE = frozenset({b"VP8 ", b"VP8L", b"ANMF", b"ALPH", b"ANIM", b"VP8X"})

# An iPhone's 48 MP HEIC is about 200 items (512 px tiles, a grid, a thumbnail, EXIF, a gain map), each an infe
# box and a few property associations: well under a thousand boxes. libheif parses them all in opening the file.
HEIF_MAX_BOXES = 4096
HEIF_MAX_DEPTH = 8
# Boxes whose children are walked, and the bytes before their first child: meta and iref are full boxes (version
# and flags), iinf one with an entry count (16 bits in version 0, else 32), decided when it is read.
HEIF_CONTAINERS = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"dinf": 0, b"iref": 4, b"iinf": None}


class Malformed(Exception):
    """Bytes refused by their structure: a stable code and what to tell the phone (zh, en)."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def damaged(kind: str, zh: str, en: str) -> Malformed:
    return Malformed(
        "damaged_image",
        f"照片不完整或已损坏，无法解码（{kind}：{zh}）",
        f"The photo is truncated or damaged and cannot be decoded ({kind}: {en})",
    )


def truncated(kind: str) -> Malformed:
    return damaged(kind, "文件在结尾之前中断", "it ends before its end")


def too_complex(kind: str, zh: str, en: str) -> Malformed:
    return Malformed(
        "image_too_complex",
        f"照片的结构异常（{kind}：{zh}），相机不会写出这样的文件",
        f"The photo's structure is abnormal ({kind}: {en}); no camera writes such a file",
    )


def too_much_metadata(kind: str, what: str, cap: int) -> Malformed:
    return Malformed(
        "too_much_metadata",
        f"照片附带的元数据过多（{kind}：{what} 超过 {_size(cap)}）",
        f"The photo carries too much metadata ({kind}: {what} over {_size(cap)})",
    )


def _size(count: int) -> str:
    return f"{count // MIB} MiB" if count >= MIB else f"{count // KIB} KiB"


def check(kind: str, data: bytes) -> bytes | None:
    """Walk the bytes of a photo of this kind (as sniffed) to their end, or raise Malformed. Returns the EXIF
    a PNG carries after its image data, where Pillow would find it only by decoding the picture; else None."""
    return {"JPEG": jpeg, "PNG": png, "WEBP": webp, "HEIF": heif}[kind](data)


# ---- JPEG ---------------------------------------------------------------------------------------------------


def jpeg(data: bytes) -> None:
    """Segment by segment to the end-of-image marker, which is what a cut-off upload lacks (libjpeg would make
    up the rest), skipping the entropy-coded data in C. What follows the marker is not read."""
    if not data.startswith(b"\xff\xd8"):
        raise damaged("JPEG", "没有图像起始标记", "no start-of-image marker")
    walk = _JpegWalk(data)
    while not walk.at_end():
        walk.step()


class _JpegWalk:
    """Where a JPEG walk is, and what it has counted against the caps."""

    def __init__(self, data: bytes):
        self.data, self.position = data, 2
        self.segments = self.scans = self.stray = self.metadata = self.photoshop = 0
        self.frame = self.ended = False

    def at_end(self) -> bool:
        return self.ended

    def step(self) -> None:
        code = self._next_marker()
        if code == 0xD9:  # EOI
            if not self.scans:
                raise damaged("JPEG", "没有图像数据", "no image data")
            self.ended = True
        elif code in JPEG_STANDALONE:
            if self.scans:  # a restart after fill bytes: the scan's data goes on
                self.position = self._entropy_end(self.position)
        elif code in JPEG_SEGMENTS:
            self._segment(code)
        else:
            raise damaged("JPEG", f"无效的标记 FF{code:02X}", f"invalid marker FF{code:02X}")

    def _next_marker(self) -> int:
        data, position = self.data, self.position
        if position < len(data) and data[position] != 0xFF:  # junk where a marker belongs
            found = data.find(b"\xff", position)
            if found < 0:
                raise truncated("JPEG")
            self.stray += found - position
            position = found
        run = FILL.match(data, position)
        if run is None or run.end() >= len(data):
            raise truncated("JPEG")
        self.stray += run.end() - position - 1
        self.segments += 1
        if self.stray > JPEG_MAX_STRAY:
            raise too_complex(
                "JPEG",
                f"标记之间的填充或杂散字节超过 {JPEG_MAX_STRAY} 个",
                f"more than {JPEG_MAX_STRAY} fill or stray bytes between segments",
            )
        if self.segments > JPEG_MAX_SEGMENTS:
            raise too_complex("JPEG", f"标记段超过 {JPEG_MAX_SEGMENTS} 个", f"more than {JPEG_MAX_SEGMENTS} segments")
        self.position = run.end() + 1
        return data[run.end()]

    def _segment(self, code: int) -> None:
        data, start = self.data, self.position
        if start + 2 > len(data):
            raise truncated("JPEG")
        length = int.from_bytes(data[start : start + 2], "big")
        end = start + length
        if length < 2:
            raise damaged("JPEG", "标记段长度无效", "a segment's length is invalid")
        if end > len(data):
            raise truncated("JPEG")
        if 0xE0 <= code <= 0xEF or code == 0xFE:
            self._metadata(code, length - 2)
        elif code == 0xDB and length > JPEG_MAX_DQT:
            raise too_complex("JPEG", "量化表过多", "too many quantization tables in a segment")
        elif code in JPEG_FRAMES:
            self._frame(start, length)
        elif code == 0xDA:
            self._scan()
            end = self._entropy_end(end)
        self.position = end

    def _metadata(self, code: int, size: int) -> None:
        self.metadata += size
        if self.metadata > JPEG_MAX_METADATA:
            raise too_much_metadata("JPEG", "APPn/COM", JPEG_MAX_METADATA)
        if code == 0xED:
            self.photoshop += size
            if self.photoshop > JPEG_MAX_PHOTOSHOP:
                raise too_much_metadata("JPEG", "APP13 (Photoshop)", JPEG_MAX_PHOTOSHOP)

    def _frame(self, start: int, length: int) -> None:
        if self.frame:
            raise damaged("JPEG", "有不止一个帧头", "more than one frame header")
        components = self.data[start + 7] if length >= 8 else 0
        if components not in (1, 3, 4) or length != 8 + 3 * components:
            raise damaged("JPEG", "帧头无效", "the frame header is invalid")
        self.frame = True

    def _scan(self) -> None:
        if not self.frame:
            raise damaged("JPEG", "扫描段出现在帧头之前", "a scan before the frame header")
        self.scans += 1
        if self.scans > JPEG_MAX_SCANS:
            raise too_complex("JPEG", f"扫描超过 {JPEG_MAX_SCANS} 次", f"more than {JPEG_MAX_SCANS} scans")

    def _entropy_end(self, position: int) -> int:
        """Where the entropy-coded data from here ends: the next marker that is not a restart (searched in C)."""
        found = NEXT_MARKER.search(self.data, position)
        if found is None:
            raise truncated("JPEG")
        return found.start()


# ---- PNG ------------------------------------------------------------------------------------------------------


def png(data: bytes) -> bytes | None:
    """Chunk by chunk to IEND, every CRC checked, the image data not inflated. Returns the first eXIf's data."""
    if not data.startswith(PNG_SIGNATURE):
        raise damaged("PNG", "文件头无效", "the signature is invalid")
    view, position, chunks = memoryview(data), len(PNG_SIGNATURE), 0
    ancillary = compressed = metadata = 0
    exif, image_data, after_image_data = None, False, False
    while True:
        if position + 12 > len(data):
            raise truncated("PNG")
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise damaged("PNG", "数据块头无效", "a chunk header is invalid")
        if end > len(data):
            raise truncated("PNG")
        if zlib.crc32(view[position + 4 : end - 4]) != int.from_bytes(view[end - 4 : end], "big"):
            raise damaged(
                "PNG", f"{kind.decode()} 数据块校验和（CRC）不符", f"the CRC of a {kind.decode()} chunk is wrong"
            )
        chunks += 1
        if chunks > PNG_MAX_CHUNKS:
            raise too_complex("PNG", f"数据块超过 {PNG_MAX_CHUNKS} 个", f"more than {PNG_MAX_CHUNKS} chunks")
        if (chunks == 1) != (kind == b"IHDR") or (kind == b"IHDR" and length != 13):
            raise damaged("PNG", "第一个数据块应为 IHDR", "the first chunk must be IHDR")
        if kind == b"IEND":
            if not image_data:
                raise damaged("PNG", "没有图像数据（IDAT）", "no image data (IDAT)")
            return exif
        if kind in PNG_IMAGE_DATA:
            if kind == b"IDAT" and after_image_data:
                raise damaged("PNG", "IDAT 数据块不连续", "the IDAT chunks are not consecutive")
            image_data = True
        elif kind != b"IHDR":
            after_image_data = image_data
            ancillary += 1
            metadata += length
            body = view[position + 8 : end - 4]
            if kind in (b"zTXt", b"iCCP") or (kind == b"iTXt" and _compressed_itxt(body)):
                compressed += 1
            if kind == b"eXIf" and exif is None:
                exif = bytes(body)
            if ancillary > PNG_MAX_ANCILLARY or compressed > PNG_MAX_COMPRESSED:
                raise too_complex("PNG", "附属数据块过多", "too many ancillary chunks")
            if metadata > PNG_MAX_METADATA:
                raise too_much_metadata("PNG", "附属数据块", PNG_MAX_METADATA)
        position = end


def _compressed_itxt(body: memoryview) -> bool:
    keyword_end = bytes(body[:80]).find(b"\x00")
    return 0 <= keyword_end < len(body) - 1 and body[keyword_end + 1] != 0


# ---- WebP -----------------------------------------------------------------------------------------------------


def webp(data: bytes) -> None:
    """The RIFF container's length against the bytes, then chunk by chunk within it."""
    if len(data) < 20 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise damaged("WebP", "RIFF 头无效", "the RIFF header is invalid")
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise truncated("WebP")
    position, chunks, metadata, image = 12, 0, 0, False
    while position + 8 <= riff_end:
        fourcc, size = data[position : position + 4], int.from_bytes(data[position + 4 : position + 8], "little")
        end = position + 8 + size
        if end > riff_end:
            raise truncated("WebP")
        chunks += 1
        if chunks > WEBP_MAX_CHUNKS:
            raise too_complex("WebP", f"数据块超过 {WEBP_MAX_CHUNKS} 个", f"more than {WEBP_MAX_CHUNKS} chunks")
        if chunks == 1 and fourcc not in (b"VP8 ", b"VP8L", b"VP8X"):
            raise damaged("WebP", "第一个数据块应为 VP8、VP8L 或 VP8X", "the first chunk must be VP8, VP8L or VP8X")
        image = image or fourcc in WEBP_IMAGE
        if fourcc not in WEBP_PICTURE:
            metadata += size
            if metadata > WEBP_MAX_METADATA:
                raise too_much_metadata("WebP", "ICCP/EXIF/XMP", WEBP_MAX_METADATA)
        position = end + (size & 1)  # chunks are padded to an even length
    if position < riff_end - 1 or not image:  # bytes left that cannot hold a chunk, or no picture at all
        raise damaged("WebP", "没有完整的图像数据", "no complete image data")


# ---- HEIF (ISO-BMFF) --------------------------------------------------------------------------------------------


def heif(data: bytes) -> None:
    """Box by box: the file's top-level boxes (ftyp first, then meta) and the item boxes inside meta."""
    counter = [0]
    top = _boxes(data, 0, len(data), counter, depth=0)
    if not top or top[0] != b"ftyp" or b"meta" not in top:
        raise damaged("HEIC", "缺少 ftyp 或 meta 盒", "no ftyp or no meta box")


def _boxes(data: bytes, start: int, end: int, counter: list, *, depth: int) -> list[bytes]:
    """The types of the boxes between start and end, each checked to fit, containers walked into."""
    kinds, position = [], start
    while position < end:
        if position + 8 > end:
            raise truncated("HEIC")
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if position + 16 > end:
                raise truncated("HEIC")
            size, header = struct.unpack_from(">Q", data, position + 8)[0], 16
        elif size == 0:  # to the end of the file: only the last top-level box
            size = end - position if depth == 0 else 0
        if size < header:
            raise damaged("HEIC", "盒的长度无效", "a box's size is invalid")
        if position + size > end:
            raise truncated("HEIC")
        counter[0] += 1
        if counter[0] > HEIF_MAX_BOXES:
            raise too_complex("HEIC", f"盒超过 {HEIF_MAX_BOXES} 个", f"more than {HEIF_MAX_BOXES} boxes")
        if kind in HEIF_CONTAINERS:
            _children(data, kind, position + header, position + size, counter, depth)
        kinds.append(kind)
        position += size
    return kinds


def _children(data: bytes, kind: bytes, start: int, end: int, counter: list, depth: int) -> None:
    if depth + 1 > HEIF_MAX_DEPTH:
        raise too_complex("HEIC", "盒嵌套过深", "boxes nested too deep")
    skip = HEIF_CONTAINERS[kind]
    if skip is None:  # iinf: version and flags, then an entry count of 16 or 32 bits
        skip = 4 + (2 if start < end and data[start] == 0 else 4)
    if start + skip > end:
        raise damaged("HEIC", f"{kind.decode('latin-1')} 盒不完整", f"a {kind.decode('latin-1')} box is incomplete")
    _boxes(data, start + skip, end, counter, depth=depth + 1)
