"""Label sheets: printable A4 PDFs of site QR tags (场所二维码), eight labels to a page.

Each label (95 × 68 mm, cut along the dashed guides) carries the site's name, its QR code (about
40 mm across without the quiet zone, large enough to scan at arm's length), the code itself for
typing by hand when the QR code cannot be read, the street and community, and a one-line
instruction. Chinese is set in reportlab's built-in CID font STSong-Light, which PDF readers supply,
so no font file is embedded or needed.
"""

import functools
import io
import math
from dataclasses import dataclass

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from qr.render import qr_image

CJK_FONT = "STSong-Light"
CODE_FONT = "Courier-Bold"
LATIN_FONT = "Helvetica"
GREY = Color(0.35, 0.35, 0.35)
GUIDE_GREY = Color(0.7, 0.7, 0.7)

COLUMNS, ROWS = 2, 4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 10 * mm, 14 * mm, 10 * mm
CELL_WIDTH = (PAGE_WIDTH - 2 * MARGIN_X) / COLUMNS
CELL_HEIGHT = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / ROWS
PADDING = 4 * mm
# The QR image carries its own white quiet zone (4 modules), so it may come closer to the cut line
# than the text does; the symbol itself stays about 5 mm inside.
QR_SIZE = 49 * mm
QR_INSET = 1 * mm
# The symbol's top edge within the image: a 4-module quiet zone of the 41-49 modules (versions 4-6)
# that tag URLs need; the text column starts level with it rather than with the white margin.
SYMBOL_TOP = QR_SIZE * (1 - 4 / 45)
COLUMN_GAP = 1 * mm

INSTRUCTION = "微信或手机相机扫码，进入江汉安全网格巡查"
INSTRUCTION_EN = "Scan with WeChat or the phone camera to open SafeGrid."
CODE_CAPTION = "场所编码（无法扫码时在应用中输入）"
BRAND = "江汉安全网格 SafeGrid"
# A line must not start with closing punctuation (避头点); the character before moves down with it.
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)")


@dataclass(frozen=True)
class Label:
    """One tag to print: the site's name, its tag code and URL, and where the site is."""

    site_name: str
    code: str
    url: str
    street: str
    community: str


def label_sheet_pdf(labels: list[Label], *, title: str | None = None) -> bytes:
    """An A4 PDF of ``labels``, eight to a page in reading order, with cut guides between them."""
    if not labels:
        raise ValueError("a label sheet needs at least one label")
    _register_fonts()
    buffer = io.BytesIO()
    # invariant: no creation date or random document id, so the same labels give the same bytes.
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(title or "场所二维码 Site QR tags")
    canvas.setAuthor(BRAND)
    per_page = COLUMNS * ROWS
    pages = math.ceil(len(labels) / per_page)
    for page in range(pages):
        on_page = labels[page * per_page : (page + 1) * per_page]
        _draw_header(canvas, title, page + 1, pages)
        _draw_cut_guides(canvas, math.ceil(len(on_page) / COLUMNS))
        for index, label in enumerate(on_page):
            row, column = divmod(index, COLUMNS)
            _draw_label(
                canvas, label, MARGIN_X + column * CELL_WIDTH, PAGE_HEIGHT - MARGIN_TOP - (row + 1) * CELL_HEIGHT
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@functools.cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _draw_header(canvas: Canvas, title: str | None, page: int, pages: int) -> None:
    baseline = PAGE_HEIGHT - MARGIN_TOP + 5 * mm
    canvas.setFillColor(GREY)
    canvas.setFont(CJK_FONT, 9)
    if title:
        canvas.drawString(MARGIN_X, baseline, _fit_line(title, CJK_FONT, 9, PAGE_WIDTH / 2))
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, baseline, f"第 {page} / {pages} 页  沿虚线裁切")


def _draw_cut_guides(canvas: Canvas, rows: int) -> None:
    """Light dashed lines around the used cells; every edge drawn once so the dashes stay even."""
    top = PAGE_HEIGHT - MARGIN_TOP
    bottom = top - rows * CELL_HEIGHT
    canvas.saveState()
    canvas.setStrokeColor(GUIDE_GREY)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    for column in range(COLUMNS + 1):
        x = MARGIN_X + column * CELL_WIDTH
        canvas.line(x, top, x, bottom)
    for row in range(rows + 1):
        y = top - row * CELL_HEIGHT
        canvas.line(MARGIN_X, y, PAGE_WIDTH - MARGIN_X, y)
    canvas.restoreState()


def _draw_label(canvas: Canvas, label: Label, left: float, bottom: float) -> None:
    inner_width = CELL_WIDTH - 2 * PADDING
    name_size, name_lines = _fit_name(label.site_name, inner_width)
    y = bottom + CELL_HEIGHT - PADDING - name_size
    canvas.saveState()  # the text render mode outlives the text object; keep it to the name
    text = canvas.beginText()
    text.setFont(CJK_FONT, name_size, leading=name_size * 1.2)
    # STSong-Light has no bold weight: fill and stroke the glyphs so the name reads as bold.
    text.setTextRenderMode(2)
    canvas.setLineWidth(name_size * 0.03)
    canvas.setFillColor(black)
    canvas.setStrokeColor(black)
    text.setTextOrigin(left + PADDING, y)
    for line in name_lines:
        text.textLine(line)
    canvas.drawText(text)
    canvas.restoreState()

    qr_left, qr_bottom = left + QR_INSET, bottom + QR_INSET
    canvas.drawImage(ImageReader(qr_image(label.url, box_size=8)), qr_left, qr_bottom, QR_SIZE, QR_SIZE)
    column_left = qr_left + QR_SIZE + COLUMN_GAP
    _draw_details(
        canvas,
        label,
        column_left,
        left + CELL_WIDTH - PADDING - column_left,
        top=qr_bottom + SYMBOL_TOP,
        bottom=bottom + PADDING,
    )


def _fit_name(name: str, width: float) -> tuple[float, list[str]]:
    """The site name large: on one line if it fits at a readable size, else on two lines."""
    size, lines = _fit_lines(name, CJK_FONT, 16, 13, width, max_lines=1)
    if lines[0] == " ".join(name.split()):
        return size, lines
    return _fit_lines(name, CJK_FONT, 16, 9, width, max_lines=2)


def _draw_details(canvas: Canvas, label: Label, x: float, width: float, top: float, bottom: float) -> None:
    """The text beside the QR code: code, street, community, the instruction and the brand."""
    y = top - 6
    y = _draw_lines(canvas, [_fit_line(CODE_CAPTION, CJK_FONT, 6.5, width)], CJK_FONT, 6.5, x, y, GREY)
    code_size = _largest_size(label.code, CODE_FONT, 12, width)
    y = _draw_lines(canvas, [label.code], CODE_FONT, code_size, x, y - code_size - 1, black)
    for place in (label.street, label.community):
        if place:
            y = _draw_lines(canvas, [_fit_line(place, CJK_FONT, 9, width)], CJK_FONT, 9, x, y - 11, black)
    y -= 7.5 + 4
    _, instruction = _fit_lines(INSTRUCTION, CJK_FONT, 7.5, 7.5, width, max_lines=3)
    y = _draw_lines(canvas, instruction, CJK_FONT, 7.5, x, y, black)
    _, english = _fit_lines(INSTRUCTION_EN, LATIN_FONT, 6, 6, width, max_lines=3, words=True)
    _draw_lines(canvas, english, LATIN_FONT, 6, x, y - 6 - 1.5, GREY)
    canvas.setFillColor(GREY)
    canvas.setFont(CJK_FONT, 6.5)
    canvas.drawString(x, bottom, BRAND)


def _draw_lines(canvas: Canvas, lines: list[str], font: str, size: float, x: float, y: float, color: Color) -> float:
    """Draw ``lines`` with the first baseline at ``y``; returns the last baseline."""
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    for index, line in enumerate(lines):
        if index:
            y -= size * 1.25
        canvas.drawString(x, y, line)
    return y


def _largest_size(text: str, font: str, size: float, width: float) -> float:
    """``size``, or smaller so that ``text`` fits on one line of ``width``."""
    return min(size, size * width / max(pdfmetrics.stringWidth(text, font, size), 1))


def _fit_line(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut short with an ellipsis if it is too wide."""
    return _fit_lines(text, font, size, size, width, max_lines=1)[1][0]


def _fit_lines(
    text: str, font: str, largest: float, smallest: float, width: float, *, max_lines: int, words: bool = False
) -> tuple[float, list[str]]:
    """The largest size from ``largest`` down to ``smallest`` at which ``text`` wraps into
    ``max_lines``; at the smallest size whatever does not fit is cut with an ellipsis."""
    size = largest
    while True:
        lines = _wrap(text, font, size, width, words)
        if len(lines) <= max_lines or size <= smallest:
            break
        size = max(smallest, size - 0.5)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + "…"]
    return size, lines


def _wrap(text: str, font: str, size: float, width: float, words: bool) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: anywhere for Chinese, at spaces for
    English (``words``)."""
    units = text.split() if words else list(" ".join(text.split()))
    separator = " " if words else ""
    lines: list[str] = []
    line: list[str] = []
    for unit in units:
        if line and pdfmetrics.stringWidth(separator.join(line + [unit]), font, size) > width:
            carried = []
            if unit in _NO_LINE_START and len(line) > 1:
                carried = [line.pop()]
            lines.append(separator.join(line))
            line = carried
        line.append(unit)
    if line:
        lines.append(separator.join(line))
    return lines or [""]
