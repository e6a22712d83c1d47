"""Hazard documents: 隐患整改意见书, 整改复查意见书 and 重大事故隐患挂牌督办通知书 print as A4 PDFs that say
everything they must, however long the text and however many the photos."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from server.paperwork import (
    EnforcementOrder,
    ListingNotice,
    Party,
    Photo,
    RectificationNotice,
    RectificationPlan,
    ReinspectionOpinion,
    Signature,
    render_listing_notice,
    render_rectification_notice,
    render_reinspection_opinion,
)

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
SHANGHAI = ZoneInfo("Asia/Shanghai")
STATION = "江汉区民族街道安全生产监督管理站"
PARTY = Party(
    name="武汉市江汉区新华路加油站有限公司",
    address="武汉市江汉区新华路218号",
    contact="王建国 027-85551234",
    uscc="91420103MA4KXXXX0X",
)
DESCRIPTION = (
    "便利店后门消防通道被纸箱和饮料堆放占用，堆放长度约6米，安全出口无法正常开启。\n"
    "加油区西侧2号灭火器压力表指针处于红区，已失效，且未在月度检查记录中登记。"
)


@pytest.fixture(autouse=True)
def transaction():
    """paperwork is a plain library: these tests need neither the app nor its database."""
    yield


def jpeg(seed: int, size=(320, 240)) -> bytes:
    image = Image.new("RGB", size, (40 + seed * 20 % 200, 90, 160 - seed * 10 % 150))
    ImageDraw.Draw(image).rectangle((20 + seed, 20, 120 + seed, 100), fill=(250, 220, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 70), (80, 20), (140, 80), (210, 25), (290, 60)], fill=(10, 10, 90, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def photos(count: int) -> list[Photo]:
    return [
        Photo(
            caption=f"2026-11-29 09:{30 + number:02d} 新华路加油站 现场{number + 1}",
            jpeg=jpeg(number, (240, 320) if number % 4 == 3 else (320, 240)),
        )
        for number in range(count)
    ]


def at(day, hour=9, minute=30) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def signatures() -> list[Signature]:
    return [
        Signature("检查人员", "张伟", "42010019001", at(29, 10), signature_png()),
        Signature("检查人员", "李娜", "42010019002", at(29, 10)),
        Signature("被检查单位负责人", "王建国"),
    ]


def make_notice(**changes) -> RectificationNotice:
    values = dict(
        number="江汉安隐改〔2026〕第0001号",
        issuer_org=STATION,
        party=PARTY,
        site_name="新华路加油站",
        site_address="武汉市江汉区新华路218号",
        found_at=at(29),
        hazard_level="一般隐患",
        category="消防安全",
        description=DESCRIPTION,
        requirements="立即清理消防通道堆放物，保持安全出口畅通。\n更换失效灭火器并补记检查记录。",
        deadline=datetime(2026, 12, 6, 23, 59, tzinfo=SHANGHAI),
        photos=photos(4),
        signatures=signatures(),
        issued_at=at(29, 10),
    )
    return RectificationNotice(**{**values, **changes})


def make_opinion(**changes) -> ReinspectionOpinion:
    values = dict(
        number="江汉安复查〔2026〕第0001号",
        notice_number="江汉安隐改〔2026〕第0001号",
        issuer_org=STATION,
        party=PARTY,
        site_name="新华路加油站",
        hazard_summary="便利店后门消防通道被占用；2号灭火器失效。",
        reinspected_at=at(30, 14, 0),
        passed=True,
        findings="消防通道已清理完毕，灭火器已更换为新购ABC干粉灭火器。",
        new_deadline=None,
        photos=photos(2),
        signatures=signatures()[:2],
        issued_at=at(30, 15, 0),
    )
    return ReinspectionOpinion(**{**values, **changes})


PLAN = RectificationPlan(
    measures="更换老化燃气软管为金属波纹管，加装可燃气体报警装置",
    responsible_person="王建国",
    funds="3.5万元，由公司安全生产费用列支",
    deadline=datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI),
    contingency_plan="停用便利店燃气灶具，设置警戒区，配备灭火器材",
)


def make_listing(**changes) -> ListingNotice:
    values = dict(
        number="江汉安督〔2026〕第0001号",
        issuer_org="江汉区应急管理局",
        party=PARTY,
        site_name="新华路加油站",
        site_address="武汉市江汉区新华路218号",
        found_at=at(29),
        hazard_level="重大隐患",
        category="燃气安全",
        description="便利店后厨液化石油气钢瓶软管老化开裂，未安装可燃气体报警装置。",
        reason="加油站内人员密集场所存在重大燃气隐患，区级挂牌督办。",
        deadline=datetime(2026, 12, 29, 18, 0, tzinfo=SHANGHAI),
        plan=PLAN,
        photos=photos(2),
        signatures=[Signature("督办人员", "张伟", signed_at=at(30, 10)), Signature("被督办单位负责人", "")],
        issued_at=at(30, 10),
    )
    return ListingNotice(**{**values, **changes})


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text_of(reader: PdfReader) -> str:
    """All text without line breaks, page footers removed, so a paragraph split across lines or
    pages reads as one run."""
    text = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\S+\s\S+〕第\d+号\s*第 \d+ 页 共 \d+ 页", "", text)
    return re.sub(r"\s+", "", text)


def assert_a4(reader: PdfReader):
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT, abs=0.5)


def test_a_notice_says_who_what_where_and_by_when():
    reader = read(render_rectification_notice(make_notice()))
    assert_a4(reader)
    text = text_of(reader)
    for expected in [
        STATION,
        "隐患整改意见书",
        "江汉安隐改〔2026〕第0001号",
        "被检查单位：武汉市江汉区新华路加油站有限公司",
        "统一社会信用代码：91420103MA4KXXXX0X",
        "新华路加油站",
        "2026年11月29日09:30",
        "隐患类别：消防安全",
        "隐患等级：一般隐患",
        "安全出口无法正常开启",
        "已失效",
        "请于2026年12月6日前整改完毕，并将整改情况书面报告本站。",
        "张伟",
        "42010019001",
        "李娜",
        "被检查单位负责人",
        "送达回执",
        "被检查单位签收人",
        "签收时间",
    ]:
        assert expected.replace(" ", "") in text, expected
    assert "王建国" in text


def test_dates_are_shown_in_wuhan_time_whatever_zone_they_come_in():
    late_utc = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)  # already 7 December in Wuhan
    text = text_of(
        read(render_rectification_notice(make_notice(deadline=late_utc, found_at=at(29) - timedelta(hours=8))))
    )
    assert "请于2026年12月7日前整改完毕" in text
    assert "2026年11月29日01:30" in text


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        make_notice(deadline=datetime(2026, 12, 6))


def test_a_notice_without_a_description_is_refused():
    # Otherwise the 隐患情况 section would silently vanish from the printed notice.
    with pytest.raises(ValueError, match="describe the hazard"):
        make_notice(description=" \n ")


def test_a_long_description_and_ten_photos_flow_onto_more_pages_with_nothing_lost():
    paragraph = "检查发现该场所电气线路老化，部分插座存在私拉乱接现象，配电箱周边堆放可燃物。" * 10
    description = "\n".join(f"第{number}段：{paragraph}" for number in range(1, 9))
    description += "以上即为全部隐患情况（完）。"
    assert len(description) > 3000
    notice = make_notice(description=description, photos=photos(10))
    reader = read(render_rectification_notice(notice))
    assert len(reader.pages) > 2
    assert_a4(reader)
    text = text_of(reader)
    assert "".join(description.split()) in text  # every character, in order
    assert "以上即为全部隐患情况（完）。" in text
    for number in range(1, 11):
        assert f"现场{number}" in text
    assert f"第 {len(reader.pages)} 页 共 {len(reader.pages)} 页" in reader.pages[-1].extract_text()
    assert "送达回执" in reader.pages[-1].extract_text()


def test_no_line_starts_with_closing_punctuation():
    # reportlab's own rule list is Japanese; a line opening with "，" looks like a misprint.
    description = "\n".join(["配电箱周边堆放可燃物，插座私拉乱接；楼道内电动车充电，消防通道堵塞：" * 12] * 3)
    reader = read(render_rectification_notice(make_notice(description=description, hazard_level="重大隐患")))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    assert len(lines) > 30
    assert not [line for line in lines if line[:1] in set("，。、；：！？）》”")]


def test_photos_are_embedded_unchanged():
    notice = make_notice(photos=photos(10))
    reader = read(render_rectification_notice(notice))
    # The stream's data, not pypdf's ``image.data``, which is the picture encoded anew.
    embedded = [image.indirect_reference.get_object().get_data() for page in reader.pages for image in page.images]
    # Ten photos and one handwritten signature; the JPEGs go in as uploaded, not re-encoded.
    assert len(embedded) == 11
    assert {photo.jpeg for photo in notice.photos} <= set(embedded)


def test_a_notice_without_photos_has_no_photo_section():
    text = text_of(read(render_rectification_notice(make_notice(photos=[], signatures=[]))))
    assert "现场照片" not in text
    assert "送达回执" in text


def test_a_major_hazard_reminds_of_the_five_elements_and_the_dual_report():
    major = text_of(read(render_rectification_notice(make_notice(hazard_level="重大隐患"))))
    assert "隐患等级：重大隐患" in major
    assert "五落实" in major and "双报告" in major
    assert "措施、责任、资金、时限和预案" in major
    general = text_of(read(render_rectification_notice(make_notice())))
    assert "五落实" not in general and "双报告" not in general


def test_text_is_printed_as_typed_even_with_markup_characters():
    text = text_of(read(render_rectification_notice(make_notice(description="电线<裸露> & 破损"))))
    assert "电线<裸露>&破损" in text


def test_a_passed_reinspection_closes_the_hazard():
    reader = read(render_reinspection_opinion(make_opinion()))
    assert_a4(reader)
    text = text_of(reader)
    for expected in [
        "整改复查意见书",
        "江汉安复查〔2026〕第0001号",
        "江汉安隐改〔2026〕第0001号",
        "武汉市江汉区新华路加油站有限公司",
        "新华路加油站",
        "2026年11月30日14:00",
        "灭火器已更换",
        "复查结论：已整改，同意销号。",
        "张伟",
        "李娜",
        "送达回执",
        "被检查单位签收人",
        "签收时间",
    ]:
        assert expected in text, expected
    assert "继续整改" not in text
    assert len([image for page in reader.pages for image in page.images]) == 3


def test_a_failed_reinspection_sets_a_new_deadline():
    opinion = make_opinion(
        passed=False, findings="消防通道仍有部分纸箱堆放。", new_deadline=datetime(2026, 12, 10, 18, 0, tzinfo=SHANGHAI)
    )
    text = text_of(read(render_reinspection_opinion(opinion)))
    assert "复查结论：未按要求整改，责令于2026年12月10日前继续整改" in text
    assert "同意销号" not in text


@pytest.mark.parametrize("passed, new_deadline", [(True, at(30)), (False, None)])
def test_a_conclusion_that_contradicts_itself_is_refused(passed, new_deadline):
    with pytest.raises(ValueError, match="deadline"):
        make_opinion(passed=passed, new_deadline=new_deadline)


def test_a_photo_that_is_not_an_image_is_refused_by_name():
    with pytest.raises(ValueError, match="现场坏图"):
        render_rectification_notice(make_notice(photos=[Photo("现场坏图", b"not a jpeg")]))


def test_the_same_document_gives_the_same_bytes():
    # The PDF's hash is kept as evidence: rendering it again must reproduce it exactly.
    notice = make_notice(photos=photos(5))
    assert render_rectification_notice(notice) == render_rectification_notice(notice)
    assert render_reinspection_opinion(make_opinion()) == render_reinspection_opinion(make_opinion())
    assert render_listing_notice(make_listing()) == render_listing_notice(make_listing())


def test_a_listing_notice_says_what_is_listed_why_what_must_be_done_and_how_it_ends():
    reader = read(render_listing_notice(make_listing()))
    assert_a4(reader)
    text = text_of(reader)
    for expected in [
        "江汉区应急管理局",
        "重大事故隐患挂牌督办通知书",
        "江汉安督〔2026〕第0001号",
        "被督办单位：武汉市江汉区新华路加油站有限公司",
        "统一社会信用代码：91420103MA4KXXXX0X",
        "地址：武汉市江汉区新华路218号",
        "新华路加油站",
        "实行挂牌督办",
        "发现时间：2026年11月29日09:30",
        "隐患类别：燃气安全",
        "隐患等级：重大隐患",
        "未安装可燃气体报警装置",
        "督办事由",
        "区级挂牌督办",
        "你单位应当于2026年12月29日前完成整改",
        "五落实",
        "整改措施更换老化燃气软管为金属波纹管",
        "整改责任人王建国",
        "整改资金3.5万元",
        "整改时限2026年12月20日",
        "应急预案停用便利店燃气灶具",
        "书面报告本局",
        "摘牌销号",
        "现场照片（共2张）",
        "督办人员：张伟",
        "被督办单位负责人：",
        "2026年11月30日",
        "送达回执",
        "被督办单位签收人",
        "签收时间",
    ]:
        assert expected in text, expected
    assert len([image for page in reader.pages for image in page.images]) == 2  # the two photos


def test_a_hazard_listed_before_its_plan_and_notice_is_told_to_submit_a_plan():
    text = text_of(read(render_listing_notice(make_listing(plan=None, deadline=None, photos=[]))))
    assert "应当在隐患整改意见书规定的期限内完成整改" in text
    assert "立即组织制定重大事故隐患治理方案" in text and "措施、责任、资金、时限和预案" in text
    assert "整改责任人" not in text and "现场照片" not in text and "摘牌销号" in text


def test_only_a_major_hazard_is_listed_and_only_with_a_reason():
    with pytest.raises(ValueError, match="major"):
        make_listing(hazard_level="一般隐患")
    with pytest.raises(ValueError, match="why it is listed"):
        make_listing(reason=" ")
    with pytest.raises(ValueError, match="timezone-aware"):
        make_listing(plan=RectificationPlan("措施", "王", "1万元", datetime(2026, 12, 20), "预案"))


def test_an_enforcement_order_needs_two_officers_with_certificate_numbers():
    at = datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)
    fields = dict(
        number="江汉应急责改〔2026〕第0001号",
        issuer_org="江汉区应急管理局",
        party=Party(name="测试物业公司"),
        site_name="测试小区",
        site_address="",
        found_at=at,
        hazard_level="一般隐患",
        category="消防安全",
        description="疏散通道堵塞",
        requirements="立即清理",
        deadline=at,
        photos=[],
        issued_at=at,
    )
    one = [Signature("执法人员", "李静", "420103000001", at), Signature("执法人员", "许静", "", at)]
    with pytest.raises(ValueError, match="two officers"):
        EnforcementOrder(**fields, signatures=one)
    two = [Signature("执法人员", "李静", "420103000001", at), Signature("执法人员", "许静", "420103000002", at)]
    assert EnforcementOrder(**fields, signatures=two).signatures == two
