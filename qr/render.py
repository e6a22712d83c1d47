"""Drawing a tag URL as a QR code (PNG, PIL image or SVG), at error correction level H."""

import io

import qrcode
import qrcode.image.svg
from PIL import Image

# Level H restores up to 30% of the symbol: tags live outdoors on doors and walls, get scratched,
# faded and half covered by stickers, and the code must still scan.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_H


def qr_symbol(url: str, *, box_size: int = 10, border: int = 4) -> qrcode.QRCode:
    """The QR symbol for ``url``: the smallest version that holds it, one segment in its best mode."""
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=box_size, border=border)
    # One segment in the most compact mode that fits the whole text: alphanumeric for the upper-case
    # tag URLs of qr.codes.tag_url. The library's default splitting would only add segment headers.
    symbol.add_data(url, optimize=0)
    symbol.make(fit=True)
    return symbol


def qr_image(url: str, *, box_size: int = 10, border: int = 4) -> Image.Image:
    """The QR code as a greyscale PIL image, quiet zone of ``border`` modules included."""
    image = qr_symbol(url, box_size=box_size, border=border).make_image().get_image()
    return image.convert("L")


def qr_png(url: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """The QR code as PNG bytes."""
    buffer = io.BytesIO()
    qr_image(url, box_size=box_size, border=border).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg(url: str, *, border: int = 4) -> bytes:
    """The QR code as a standalone SVG document (white background, one path; scales to any print size)."""
    image = qr_symbol(url, border=border).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode("utf-8")
