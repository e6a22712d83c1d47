"""The parts every hazard document shares: fonts, styles, Chinese dates, and the flowables for the
heading, the party, photos, signatures, the closing and the delivery receipt (送达回执).

Chinese is set in reportlab's built-in CID font STSong-Light, which PDF readers supply, so no font
file is embedded or needed (as in ``qr.labels``).
"""

import functools
import io
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import textsplit
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
    paragraph,
)

from server.core.i18n import SHANGHAI

CJK_FONT = "STSong-Light"
GREY = Color(0.35, 0.35, 0.35)
RULE_GREY = Color(0.55, 0.55, 0.55)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 25 * mm, 22 * mm, 22 * mm
FRAME_PADDING = 6  # what SimpleDocTemplate's frame keeps inside the margins on each side
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X - 2 * FRAME_PADDING
BODY_SIZE = 12  # 小四, the usual size for the body of printed forms

PHOTO_COLUMNS = 3
PHOTO_BOX_WIDTH = TEXT_WIDTH / PHOTO_COLUMNS - 5 * mm  # leaves a gap between neighbours
PHOTO_BOX_HEIGHT = PHOTO_BOX_WIDTH * 3 / 4
SIGNATURE_BOX_WIDTH, SIGNATURE_BOX_HEIGHT = 28 * mm, 11 * mm
# A date left to be written by pen: room for the year, month and day before each character; the
# short form fits the date column of the signature lines.
HAND_DATE = "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
HAND_DATE_SHORT = "\u3000\u3000年\u3000\u3000月\u3000日"


# Registered on import: paragraphs look their font up as soon as they are made, before any build.
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
# reportlab's CJK line breaking hangs a character that may not start a line (避头点) at the end of
# the line before, but its list is Japanese: it lacks the full-width comma, semicolon, colon and
# closing quotes of Chinese, so lines began with "，". Both of its line breakers (one paragraph
# fragment, several) read the list from a module global; extending it only adds rules, so anything
# else in the process that sets CJK paragraphs can only gain.
_CHINESE_NO_LINE_START = "，；：！？”’》〉」』】〕％"
for _module in (textsplit, paragraph):
    _module.ALL_CANNOT_START += "".join(sorted(set(_CHINESE_NO_LINE_START) - set(_module.ALL_CANNOT_START)))


def cjk_style(name: str, size: float = BODY_SIZE, **extra) -> ParagraphStyle:
    # wordWrap="CJK" breaks lines between any two characters: Chinese has no spaces.
    return ParagraphStyle(
        name, **{"fontName": CJK_FONT, "fontSize": size, "leading": size * 1.7, "wordWrap": "CJK", **extra}
    )


ORG = cjk_style("org", 16, alignment=TA_CENTER, leading=24)
NUMBER = cjk_style("number", alignment=TA_RIGHT, spaceBefore=6, spaceAfter=10)
FIELD = cjk_style("field", alignment=TA_LEFT)
BODY = cjk_style("body", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE)
NOTE = cjk_style("note", 10.5, alignment=TA_JUSTIFY, firstLineIndent=2 * 10.5, textColor=GREY)
CELL = cjk_style("cell", 10.5, leading=15)
CELL_RIGHT = cjk_style("cell_right", 10.5, leading=15, alignment=TA_RIGHT)
CAPTION = cjk_style("caption", 9, alignment=TA_CENTER, leading=12)
CLOSING = cjk_style("closing", alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE)
RECEIPT_TITLE = cjk_style("receipt", 16, alignment=TA_CENTER, spaceAfter=8)


def local_time(moment: datetime) -> datetime:
    """``moment`` in Wuhan's time; a naive time is refused, as its zone would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"times on documents must be timezone-aware, got {moment!r}")
    return moment.astimezone(SHANGHAI)


def chinese_date(moment: datetime) -> str:
    """2026年12月6日: official documents do not pad the month or day."""
    local = local_time(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def chinese_datetime(moment: datetime) -> str:
    """2026年11月29日 09:30"""
    return f"{chinese_date(moment)} {local_time(moment):%H:%M}"


def paragraphs(text: str, look: ParagraphStyle = BODY) -> list[Paragraph]:
    """One paragraph per non-blank line of ``text``."""
    return [para(line.strip(), look) for line in text.splitlines() if line.strip()]


def para(text: str, look: ParagraphStyle = BODY) -> Paragraph:
    """``text`` escaped, so that a ``<`` or ``&`` someone typed prints as typed."""
    return Paragraph(escape(text), look)


class TextLine(Flowable):
    """A single line of text drawn as given: spaces are kept (a Paragraph would collapse the blanks
    left for a handwritten date), and ``bold`` fills and strokes the glyphs (text render mode 2),
    since STSong-Light has no bold weight and no other font file is wanted."""

    def __init__(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        space_before: float = 0,
        space_after: float = 0,
        char_space: float = 0,
    ):
        super().__init__()
        self.text, self.size, self.bold, self.align = text, size, bold, align
        self.char_space = char_space
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.size * 1.4

    def draw(self):
        text_width = pdfmetrics.stringWidth(self.text, CJK_FONT, self.size) + self.char_space * (len(self.text) - 1)
        x = {"left": 0, "center": (self.width - text_width) / 2, "right": self.width - text_width}[self.align]
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(self.size * 0.03)
        text = canvas.beginText(x, self.size * 0.3)
        text.setFont(CJK_FONT, self.size)
        text.setCharSpace(self.char_space)
        if self.bold:
            text.setTextRenderMode(2)
        text.textOut(self.text)
        canvas.drawText(text)
        canvas.restoreState()


def hand_date(text: str = HAND_DATE, align: str = "left") -> TextLine:
    """年 月 日 with room before each to write the numbers in by hand."""
    return TextLine(text, CELL.fontSize, align=align)


def heading(org: str, title: str, number: str) -> list[Flowable]:
    """The issuing body, the document's title, and its number right-aligned beneath."""
    title_line = TextLine(title, 22, bold=True, align="center", space_before=4, char_space=2)
    return [para(org, ORG), title_line, para(number, NUMBER)]


def section(title: str, room: float) -> list[Flowable]:
    """A section heading, moved to the next page unless ``room`` is left below it for the start
    of the section (a heading alone at the foot of a page reads as a lost section)."""
    return [CondPageBreak(room), TextLine(title, BODY_SIZE + 1, bold=True, space_before=6, space_after=2)]


def party_lines(party, label: str = "被检查单位") -> list[Flowable]:
    """The party (被检查单位, or 被督办单位 on a listing notice) and what identifies it; lines with
    nothing to say are left out."""
    lines = [
        (label, party.name),
        ("统一社会信用代码", party.uscc),
        ("地址", party.address),
        ("联系人及电话", party.contact),
    ]
    return [para(f"{label}：{value}", FIELD) for label, value in lines if value]


def field_table(fields, label_width: float = 28 * mm) -> Table:
    """(label, value) pairs in a ruled two-column table, the label column narrow; splits between rows."""
    rows = [[para(label, CELL), para(value, CELL)] for label, value in fields]
    table = Table(rows, colWidths=[label_width, TEXT_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def photo_grid(photos) -> Table:
    """Thumbnails three to a row with numbered captions; the table splits between rows, so many
    photos flow onto more pages."""
    cells = [
        [_photo_image(photo), para(f"图{number}　{photo.caption}", CAPTION)]
        for number, photo in enumerate(photos, start=1)
    ]
    cells += [""] * (-len(cells) % PHOTO_COLUMNS)
    rows = [cells[start : start + PHOTO_COLUMNS] for start in range(0, len(cells), PHOTO_COLUMNS)]
    table = Table(rows, colWidths=[TEXT_WIDTH / PHOTO_COLUMNS] * PHOTO_COLUMNS, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _photo_image(photo) -> Image:
    return fitted_image(photo.jpeg, PHOTO_BOX_WIDTH, PHOTO_BOX_HEIGHT, what=f"photo {photo.caption!r}")


def fitted_image(data: bytes, box_width: float, box_height: float, *, what: str) -> Image:
    """The image as large as fits the box without distortion. A JPEG is embedded as it is, not
    re-encoded, so the photo in the PDF is byte for byte the evidence that was uploaded."""
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception as error:  # reportlab raises its own wrappers of whatever Pillow raised
        raise ValueError(f"{what} is not a readable image") from error
    scale = min(box_width / width, box_height / height)
    return Image(io.BytesIO(data), width * scale, height * scale)


def signature_table(signatures) -> Table:
    """One line per signer: role, printed name, the handwritten signature (or a line to sign on),
    certificate number and date (or blanks to fill in by hand)."""
    rows = [_signature_row(signature) for signature in signatures]
    widths = [35 * mm, 20 * mm, SIGNATURE_BOX_WIDTH + 4 * mm, 34 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (2, 0), (2, -1), 0.5, black),
            ]
        )
    )
    return table


def _signature_row(signature) -> list:
    signed = (
        fitted_image(
            signature.image_png, SIGNATURE_BOX_WIDTH, SIGNATURE_BOX_HEIGHT, what=f"the signature of {signature.name!r}"
        )
        if signature.image_png
        else ""
    )
    certificate = f"证号：{signature.certificate_no}" if signature.certificate_no else ""
    # Right-aligned, so that printed dates and dates left to the pen end in 日 at the same place.
    when = (
        para(chinese_date(signature.signed_at), CELL_RIGHT)
        if signature.signed_at
        else hand_date(HAND_DATE_SHORT, align="right")
    )
    return [para(f"{signature.role}：", CELL), para(signature.name, CELL), signed, para(certificate, CELL), when]


def closing(signatures, org: str, issued_at: datetime, copies_note: str) -> list[Flowable]:
    """The signature lines, then the issuer and date at the bottom right with room above them for
    the seal, and the note on who keeps which copy: kept on one page, as signers sign together."""
    block: list[Flowable] = [Spacer(1, 6 * mm)]
    if signatures:
        block.append(signature_table(signatures))
    block += [
        Spacer(1, 10 * mm),
        para(f"{org}（印章）", CLOSING),
        para(chinese_date(issued_at), CLOSING),
        Spacer(1, 4 * mm),
        para(copies_note, NOTE),
    ]
    return [KeepTogether(block)]


def delivery_receipt(title: str, number: str, party_name: str, party_label: str = "被检查单位") -> list[Flowable]:
    """送达回执 below a dashed cut line; kept whole, so it starts a new page if it must."""
    label = [("文书名称", title), ("文书编号", number), ("受送达单位", party_name)]
    rows = [[para(name, CELL), para(value, CELL), "", ""] for name, value in label]
    rows += [
        [para(f"{party_label}签收人：", CELL), "", para("签收时间：", CELL), hand_date()],
        [para("送达人：", CELL), "", para("送达时间：", CELL), hand_date()],
    ]
    table = Table(
        rows,
        colWidths=[38 * mm, 44 * mm, 24 * mm, TEXT_WIDTH - 106 * mm],
        rowHeights=[None] * len(label) + [14 * mm, 14 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                ("SPAN", (1, 0), (-1, 0)),
                ("SPAN", (1, 1), (-1, 1)),
                ("SPAN", (1, 2), (-1, 2)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    cut = HRFlowable(width="100%", thickness=0.5, color=RULE_GREY, dash=(4, 3), spaceBefore=12 * mm, spaceAfter=6 * mm)
    return [KeepTogether([cut, para("送达回执", RECEIPT_TITLE), table])]


class FooterCanvas(Canvas):
    """Holds every page back until the end so that each footer can say how many pages there are
    ("第 1 页 共 3 页"); the footer also carries the document number, to match loose pages."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages: list[dict] = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self.setFont(CJK_FONT, 9)
            self.setFillColor(GREY)
            self.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM / 2, f"{self._footer}　第 {number} 页 共 {total} 页")
            super().showPage()
        super().save()


def build_pdf(story: list[Flowable], *, title: str, number: str, author: str) -> bytes:
    """The story laid out on A4 pages. invariant: no creation time or random file id, so the same
    document always gives the same bytes and its hash can stand as evidence."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=True,
        pageCompression=1,
        title=f"{title} {number}",
        author=author,
        subject=title,
        creator="江汉安全网格 SafeGrid",
        lang="zh-CN",
    )
    document.build(story, canvasmaker=functools.partial(FooterCanvas, footer=f"{title}　{number}"))
    return buffer.getvalue()
