"""QR codes of tag URLs, read back by a real decoder (zxing-cpp) as a phone would read them."""

import io
import xml.etree.ElementTree as ET

import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from qr.codes import Tag, code_from_url, parse_keys, sign, tag_url, verify
from qr.render import qr_image, qr_png, qr_svg, qr_symbol

KEYS = parse_keys("A:jianghan-tag-key-A-2024")
URL = tag_url("https://safegrid.example.cn", sign(123_456, KEYS))


@pytest.fixture(autouse=True)
def transaction():
    """qr is a plain library: these tests need neither the app nor its database."""
    yield


def read_qr(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [found for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_png_decodes_to_the_tag_url_which_the_server_accepts():
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    [found] = read_qr(Image.open(io.BytesIO(png)))
    assert found.text == URL
    assert verify(code_from_url(found.text), KEYS) == Tag("A", 123_456)


def test_the_symbol_uses_error_correction_level_h():
    [found] = read_qr(qr_image(URL))
    assert found.ec_level == "H"


def test_the_upper_case_url_gives_a_smaller_symbol_than_its_lower_case_form():
    # Fewer modules in the same printed size means bigger modules, which scan from further away.
    assert qr_symbol(URL).version < qr_symbol(URL.lower()).version
    assert qr_symbol(URL).modules_count <= 33  # version 4 for a host of this length


def test_a_lower_case_url_still_renders_and_decodes():
    lower = "https://gov.example.cn/safegrid/S/" + sign(5, KEYS)
    [found] = read_qr(qr_image(lower))
    assert found.text == lower


def phone_photo(image: Image.Image) -> Image.Image:
    """A deterministic stand-in for an imperfect photo: small, soft, tilted and faded."""
    small = image.resize((image.width * 2 // 5,) * 2, Image.Resampling.BILINEAR)
    soft = small.filter(ImageFilter.GaussianBlur(1.0))
    faded = soft.point(lambda value: 70 + value * 150 // 255)  # grey ink on off-white paper
    return faded.rotate(9, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=220)


def test_a_small_blurred_tilted_faded_photo_still_decodes():
    photo = phone_photo(Image.open(io.BytesIO(qr_png(URL))))
    assert photo.width < 200
    [found] = read_qr(photo)
    assert found.text == URL


def cover_centre(image: Image.Image, modules: int, share: float, border: int = 4, box: int = 10) -> Image.Image:
    """Paste a white patch over ``share`` of the symbol's area, like a sticker or a scrape."""
    covered = image.convert("L")
    side = int(modules * box * share**0.5)
    left, top = border * box + int(modules * box * 0.3), border * box + int(modules * box * 0.35)
    ImageDraw.Draw(covered).rectangle([left, top, left + side, top + side], fill=255)
    return covered


def test_a_tag_with_a_seventh_of_it_covered_still_decodes():
    symbol = qr_symbol(URL)
    [found] = read_qr(cover_centre(qr_image(URL), symbol.modules_count, 0.15))
    assert found.text == URL
    # The control: the same damage defeats a code at the lowest level, so the patch is no trifle.
    low = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, box_size=10, border=4)
    low.add_data(URL, optimize=0)
    low.make(fit=True)
    assert read_qr(cover_centre(low.make_image().get_image(), low.modules_count, 0.15)) == []


def test_the_svg_is_a_standalone_square_drawing_with_a_quiet_zone():
    svg = ET.fromstring(qr_svg(URL))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    side = qr_symbol(URL).modules_count + 2 * 4
    assert svg.get("viewBox") == f"0 0 {side} {side}"
