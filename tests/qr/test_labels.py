"""Label sheets: A4 pages of tags whose QR codes decode to the code printed beside them."""

import io

import pytest
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from qr.codes import code_from_url, parse_keys, sign, tag_url, verify
from qr.labels import Label, label_sheet_pdf

KEYS = parse_keys("A:jianghan-tag-key-A-2024")
SITE_NAMES = [
    "武汉国际广场购物中心",
    "中石化江汉区新华路加油站（第二站）",
    "民意四路农贸市场",
    "汉口火车站北广场地下商业街东区消防控制室及配套设施管理处",
    "万松园雪松路美食街",
    "花楼街社区居民楼3栋",
    "江汉路步行街",
    "唐家墩燃气调压站",
    "宝丰路小学",
    "泛海城市广场",
]
A4_WIDTH, A4_HEIGHT = 595.28, 841.89


@pytest.fixture(autouse=True)
def transaction():
    """qr is a plain library: these tests need neither the app nor its database."""
    yield


def make_labels(names=SITE_NAMES, street="花楼水塔街道", community="统一街社区"):
    labels = []
    for serial, name in enumerate(names, start=100):
        code = sign(serial, KEYS)
        labels.append(
            Label(
                site_name=name,
                code=code,
                url=tag_url("https://safegrid.example.cn", code),
                street=street,
                community=community,
            )
        )
    return labels


def read_pdf(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def placed_texts(page):
    """(text, x, y, font, size) of every piece of text on the page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), tm[4], tm[5], font["/BaseFont"].lstrip("/"), size))

    page.extract_text(visitor_text=visit)
    return found


def placed_images(page):
    """(decoded QR texts, x, y, width) of every image drawn on the page."""
    placed, matrix = [], None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"cm":
            matrix = [float(value) for value in operands]
        elif operator == b"Do":
            image = page.images[operands[0]].image
            texts = [found.text for found in zxingcpp.read_barcodes(image)]
            placed.append((texts, matrix[4], matrix[5], matrix[0]))
    return placed


def test_ten_labels_make_two_a4_pages():
    reader = read_pdf(label_sheet_pdf(make_labels(), title="花楼水塔街道 场所二维码"))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT, abs=0.5)


@pytest.mark.parametrize("count, pages", [(1, 1), (8, 1), (9, 2), (16, 2), (17, 3)])
def test_eight_labels_fit_on_a_page(count, pages):
    labels = make_labels([f"场所{number}" for number in range(count)])
    assert len(read_pdf(label_sheet_pdf(labels)).pages) == pages


def test_each_label_shows_its_site_code_street_community_and_instruction():
    labels = make_labels()
    reader = read_pdf(label_sheet_pdf(labels, title="花楼水塔街道 场所二维码"))
    text = "".join(page.extract_text() for page in reader.pages)
    for label in labels:
        assert label.code in text
    assert "武汉国际广场购物中心" in text
    assert "汉口火车站北广场地下商业街东区" in text  # a long name wraps onto a second line
    assert text.count("花楼水塔街道") >= len(labels) and text.count("统一街社区") == len(labels)
    assert text.count("微信或手机相机扫码") == len(labels)
    assert "花楼水塔街道 场所二维码" in reader.pages[0].extract_text()
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert "/STSong-Light" in fonts


def test_every_qr_code_decodes_to_the_url_of_the_code_printed_beside_it():
    labels = make_labels()
    reader = read_pdf(label_sheet_pdf(labels))
    checked = set()
    for page in reader.pages:
        codes = [(text, x, y) for text, x, y, _, _ in placed_texts(page) if text in {label.code for label in labels}]
        for decoded, left, bottom, size in placed_images(page):
            assert size >= 45 * mm  # QR image with quiet zone; the symbol itself is about 40 mm
            [url] = decoded
            [beside] = [
                code for code, x, y in codes if left + size < x < left + size + 50 * mm and bottom < y < bottom + size
            ]
            assert code_from_url(url) == beside
            assert verify(beside, KEYS).serial >= 100
            checked.add(url)
    assert checked == {label.url for label in labels}


def test_no_text_runs_past_its_label_even_for_a_very_long_name():
    long_name = "江汉区民族街道前进四路与中山大道交汇处东北角老旧小区改造工程临时建筑管理处"
    absurd_name = long_name * 3
    labels = make_labels(
        [long_name, absurd_name], street="民族街道（含原花楼水塔片区）", community="前进四路社区居民委员会第三网格"
    )
    page = read_pdf(label_sheet_pdf(labels)).pages[0]
    texts = placed_texts(page)
    for text, x, _, font, size in texts:
        right = x + pdfmetrics.stringWidth(text, font, size)
        cell_right = A4_WIDTH / 2 if x < A4_WIDTH / 2 else A4_WIDTH - 10 * mm
        assert right <= cell_right, (text, right, cell_right)

    def name_lines(left):  # the site name is the only text at the label's left text edge
        return [text for text, x, _, font, _ in texts if font == "STSong-Light" and abs(x - left) < 1]

    first, second = name_lines(14 * mm)  # wrapped onto two lines, nothing lost
    assert first + second == long_name
    shown = name_lines(A4_WIDTH / 2 + 4 * mm)
    assert len(shown) == 2 and shown[1].endswith("…")
    assert (shown[0] + shown[1]).startswith(long_name)


def test_a_sheet_needs_labels():
    with pytest.raises(ValueError, match="at least one label"):
        label_sheet_pdf([])


def test_the_same_labels_give_the_same_pdf():
    # Reprinting a street's sheet must not change a byte, so a cached or archived copy stays valid.
    assert label_sheet_pdf(make_labels()[:3]) == label_sheet_pdf(make_labels()[:3])
