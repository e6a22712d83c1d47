"""The documents of the hazard loop as A4 PDFs: 隐患整改意见书 (rectification notice), 整改复查意见书
(re-inspection opinion), 重大事故隐患挂牌督办通知书 (listing notice) and 责令限期整改指令书 (enforcement order).

A plain library: the caller gathers the facts (numbers, parties, photos, signatures) into the
dataclasses below and gets the PDF's bytes back. The same document always renders to the same
bytes, so the PDF can be hashed into the evidence record.
"""

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from server.paperwork.layout import (
    BODY_SIZE,
    TEXT_WIDTH,
    build_pdf,
    chinese_date,
    chinese_datetime,
    cjk_style,
    closing,
    delivery_receipt,
    field_table,
    heading,
    local_time,
    para,
    paragraphs,
    party_lines,
    photo_grid,
    section,
)

NOTICE_TITLE = "隐患整改意见书"
OPINION_TITLE = "整改复查意见书"
LISTING_TITLE = "重大事故隐患挂牌督办通知书"
ORDER_TITLE = "责令限期整改指令书"
ORDER_COPIES_NOTE = "本文书一式两份：一份由执法机关存档，一份交被检查单位。"
# what an administrative decision must tell its party (行政复议法 Art. 20, 行政诉讼法 Art. 46)
APPEAL = (
    "你单位如不服本指令，可以在收到本指令之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
)
COPIES_NOTE = "本文书一式两份：一份由检查单位存档，一份交被检查单位。"
LISTING_COPIES_NOTE = "本文书一式三份：本局、被督办单位和属地街道安全生产监督管理站各执一份。"
LISTED_PARTY = "被督办单位"
NUMERALS = "一二三四五六七八九十"
# 重大事故隐患 (Order No. 16, Art. 15; Work Safety Law 2021, Art. 41): a treatment plan with five elements,
# and the report both to the regulator and to the workers' congress.
MAJOR_HAZARD_REMINDER = (
    "该隐患为重大事故隐患。你单位主要负责人应当组织制定并实施隐患治理方案，做到整改措施、责任、资金、"
    "时限和预案“五落实”；并将重大事故隐患的治理情况同时向负有安全生产监督管理职责的部门和本单位职工大会"
    "或者职工代表大会报告（双报告）。"
)
SAFETY_MEANWHILE = "整改期间，你单位应当采取必要的安全防范措施，防止事故发生。"
CONCLUSION = cjk_style("conclusion", BODY_SIZE + 1)
# What must fit below a section heading before it may start on this page: a few lines of text, or
# the first row of thumbnails with captions.
TEXT_ROOM, PHOTO_ROOM = 30 * mm, 60 * mm


@dataclass(frozen=True)
class Party:
    """被检查单位: an enterprise, or for a public place the department or property manager."""

    name: str
    address: str = ""
    contact: str = ""
    uscc: str = ""  # 统一社会信用代码, printed when known


@dataclass(frozen=True)
class Signature:
    """A signature line: role (检查人员, 被检查单位负责人 ...), printed name, and optionally the
    certificate number, the date and an image of the handwritten signature (PNG). Without a date
    or image the line is left blank to be filled in by hand on paper."""

    role: str
    name: str
    certificate_no: str = ""
    signed_at: datetime | None = None
    image_png: bytes | None = None

    def __post_init__(self):
        if self.signed_at is not None:
            local_time(self.signed_at)


@dataclass(frozen=True)
class Photo:
    """A thumbnail (a JPEG about 320 px across) and its caption: when and where it was taken."""

    caption: str
    jpeg: bytes


@dataclass(frozen=True)
class RectificationNotice:
    """隐患整改意见书: what was found where, what must be done, and by when."""

    number: str
    issuer_org: str
    party: Party
    site_name: str
    site_address: str
    found_at: datetime
    hazard_level: str  # 一般隐患 / 重大隐患 (levels are configurable; any 重大… is major)
    category: str
    description: str  # may hold several paragraphs, one per line
    requirements: str
    deadline: datetime
    photos: list[Photo]
    signatures: list[Signature]
    issued_at: datetime

    def __post_init__(self):
        for moment in (self.found_at, self.deadline, self.issued_at):
            local_time(moment)
        if not self.description.strip():
            raise ValueError("a rectification notice must describe the hazard")

    @property
    def is_major(self) -> bool:
        return self.hazard_level.startswith("重大")


@dataclass(frozen=True)
class ReinspectionOpinion:
    """整改复查意见书: passed (销号), or not passed and returned to rectifying by ``new_deadline``."""

    number: str
    notice_number: str
    issuer_org: str
    party: Party
    site_name: str
    hazard_summary: str
    reinspected_at: datetime
    passed: bool
    findings: str
    new_deadline: datetime | None
    photos: list[Photo]
    signatures: list[Signature]
    issued_at: datetime

    def __post_init__(self):
        for moment in (self.reinspected_at, self.issued_at, self.new_deadline):
            if moment is not None:
                local_time(moment)
        # A conclusion that contradicts itself must not reach paper.
        if self.passed and self.new_deadline is not None:
            raise ValueError("a passed re-inspection has no new deadline")
        if not self.passed and self.new_deadline is None:
            raise ValueError("a failed re-inspection needs a new deadline")


@dataclass(frozen=True)
class RectificationPlan:
    """重大事故隐患治理方案 as the enterprise submitted it: the five elements (五落实)."""

    measures: str
    responsible_person: str
    funds: str
    deadline: datetime
    contingency_plan: str

    def __post_init__(self):
        local_time(self.deadline)


@dataclass(frozen=True)
class ListingNotice:
    """重大事故隐患挂牌督办通知书: the district bureau supervises a major hazard until it is rectified,
    accepted and de-listed (摘牌销号)."""

    number: str
    issuer_org: str
    party: Party
    site_name: str
    site_address: str
    found_at: datetime
    hazard_level: str  # a 重大… level: only major hazards are listed
    category: str
    description: str
    reason: str  # why it is listed (督办事由)
    deadline: datetime | None  # None: no deadline set yet, the rectification notice will set it
    plan: RectificationPlan | None  # None: no plan submitted yet, the notice asks for one
    photos: list[Photo]
    signatures: list[Signature]
    issued_at: datetime

    def __post_init__(self):
        for moment in (self.found_at, self.deadline, self.issued_at):
            if moment is not None:
                local_time(moment)
        if not self.hazard_level.startswith("重大"):
            raise ValueError(f"only a major hazard is listed for supervision, not a {self.hazard_level}")
        if not self.description.strip() or not self.reason.strip():
            raise ValueError("a listing notice must describe the hazard and say why it is listed")


@dataclass(frozen=True)
class EnforcementOrder:
    """责令限期整改指令书: the district bureau's legal order, signed by two enforcement officers, each with a
    certificate number (执法证号)."""

    number: str
    issuer_org: str
    party: Party
    site_name: str
    site_address: str
    found_at: datetime
    hazard_level: str
    category: str
    description: str
    requirements: str
    deadline: datetime
    photos: list[Photo]
    signatures: list[Signature]  # the two officers first, then the party's line
    issued_at: datetime

    def __post_init__(self):
        for moment in (self.found_at, self.deadline, self.issued_at):
            local_time(moment)
        officers = [s for s in self.signatures if s.certificate_no]
        if len(officers) < 2:
            raise ValueError("an enforcement order is signed by two officers with their certificate numbers")
        if not self.requirements.strip():
            raise ValueError("an enforcement order must say what must be done")


def render_rectification_notice(notice: RectificationNotice) -> bytes:
    """The notice as an A4 PDF, with its photos, signature lines and delivery receipt."""
    story = [*heading(notice.issuer_org, NOTICE_TITLE, notice.number), *party_lines(notice.party)]
    story += _notice_opening(notice)
    story += _numbered(
        [
            ("隐患情况", paragraphs(notice.description), TEXT_ROOM),
            ("整改要求", _requirements(notice), TEXT_ROOM),
            (*_photos("现场照片", notice.photos), PHOTO_ROOM),
        ]
    )
    story += closing(notice.signatures, notice.issuer_org, notice.issued_at, COPIES_NOTE)
    story += delivery_receipt(NOTICE_TITLE, notice.number, notice.party.name)
    return build_pdf(story, title=NOTICE_TITLE, number=notice.number, author=notice.issuer_org)


def render_reinspection_opinion(opinion: ReinspectionOpinion) -> bytes:
    """The opinion as an A4 PDF: what was re-inspected, what was found, and the conclusion."""
    story = [*heading(opinion.issuer_org, OPINION_TITLE, opinion.number), *party_lines(opinion.party)]
    story.append(
        para(
            f"根据《{NOTICE_TITLE}》（{opinion.notice_number}），本站于"
            f"{chinese_datetime(opinion.reinspected_at)}对你单位{opinion.site_name}的隐患整改"
            "情况进行了复查。"
        )
    )
    story += _numbered(
        [
            ("原隐患情况", paragraphs(opinion.hazard_summary), TEXT_ROOM),
            ("复查情况", paragraphs(opinion.findings) + _conclusion(opinion), TEXT_ROOM),
            (*_photos("复查照片", opinion.photos), PHOTO_ROOM),
        ]
    )
    story += closing(opinion.signatures, opinion.issuer_org, opinion.issued_at, COPIES_NOTE)
    story += delivery_receipt(OPINION_TITLE, opinion.number, opinion.party.name)
    return build_pdf(story, title=OPINION_TITLE, number=opinion.number, author=opinion.issuer_org)


def render_listing_notice(notice: ListingNotice) -> bytes:
    """The listing notice as an A4 PDF: the hazard, why it is listed, what the enterprise must do and by
    when, how it is de-listed; photos, signature lines and the delivery receipt."""
    story = [*heading(notice.issuer_org, LISTING_TITLE, notice.number), *party_lines(notice.party, LISTED_PARTY)]
    where = f"{notice.site_name}（地址：{notice.site_address}）" if notice.site_address else notice.site_name
    story.append(
        para(
            f"你单位{where}存在的下列事故隐患，经认定为重大事故隐患。根据《中华人民共和国安全生产法》"
            "和《安全生产事故隐患排查治理暂行规定》，本局决定对该隐患实行挂牌督办。现将有关事项通知如下："
        )
    )
    found = para(
        f"发现时间：{chinese_datetime(notice.found_at)}；隐患类别：{notice.category}；隐患等级：{notice.hazard_level}。"
    )
    story += _numbered(
        [
            ("隐患情况", [found, *paragraphs(notice.description)], TEXT_ROOM),
            ("督办事由", paragraphs(notice.reason), TEXT_ROOM),
            ("督办要求", _listing_requirements(notice), TEXT_ROOM),
            (*_photos("现场照片", notice.photos), PHOTO_ROOM),
        ]
    )
    story += closing(notice.signatures, notice.issuer_org, notice.issued_at, LISTING_COPIES_NOTE)
    story += delivery_receipt(LISTING_TITLE, notice.number, notice.party.name, LISTED_PARTY)
    return build_pdf(story, title=LISTING_TITLE, number=notice.number, author=notice.issuer_org)


def render_enforcement_order(order: EnforcementOrder) -> bytes:
    """The order as an A4 PDF: the hazard found, what must be done by when, the party's remedies, both officers'
    signatures with their certificate numbers, and the delivery receipt."""
    story = [*heading(order.issuer_org, ORDER_TITLE, order.number), *party_lines(order.party)]
    where = f"{order.site_name}（地址：{order.site_address}）" if order.site_address else order.site_name
    story.append(
        para(
            f"{chinese_datetime(order.found_at)}，经检查，你单位{where}存在下列事故隐患，违反了有关安全生产的法律、"
            "法规、规章和国家标准或者行业标准的规定："
        )
    )
    found = para(f"隐患类别：{order.category}；隐患等级：{order.hazard_level}。")
    demand = para(
        "根据《中华人民共和国安全生产法》第六十五条的规定，现责令你单位于"
        f"{chinese_date(order.deadline)}前整改完毕，并将整改情况书面报告本局。" + SAFETY_MEANWHILE
    )
    story += _numbered(
        [
            ("隐患情况", [found, *paragraphs(order.description)], TEXT_ROOM),
            ("整改要求", [*paragraphs(order.requirements), demand], TEXT_ROOM),
            (*_photos("现场照片", order.photos), PHOTO_ROOM),
        ]
    )
    story.append(para(APPEAL))
    story += closing(order.signatures, order.issuer_org, order.issued_at, ORDER_COPIES_NOTE)
    story += delivery_receipt(ORDER_TITLE, order.number, order.party.name)
    return build_pdf(story, title=ORDER_TITLE, number=order.number, author=order.issuer_org)


def _listing_requirements(notice: ListingNotice) -> list[Flowable]:
    by_when = (
        f"你单位应当于{chinese_date(notice.deadline)}前完成整改。"
        if notice.deadline
        else "你单位应当在隐患整改意见书规定的期限内完成整改。"
    )
    flowables = [para(by_when + SAFETY_MEANWHILE)]
    if notice.plan is None:
        flowables.append(
            para(
                "你单位主要负责人应当立即组织制定重大事故隐患治理方案，做到整改措施、责任、资金、时限"
                "和预案“五落实”，并将方案报送本局。"
            )
        )
    else:
        plan = notice.plan
        flowables += [
            para("你单位应当严格按照已报送的重大事故隐患治理方案，落实整改措施、责任、资金、时限和预案“五落实”："),
            field_table(
                [
                    ("整改措施", plan.measures),
                    ("整改责任人", plan.responsible_person),
                    ("整改资金", plan.funds),
                    ("整改时限", chinese_date(plan.deadline)),
                    ("应急预案", plan.contingency_plan),
                ]
            ),
        ]
    flowables.append(
        para(
            "重大事故隐患的治理情况应当同时向本局和本单位职工大会或者职工代表大会报告。隐患整改完成后，"
            "你单位应当将整改情况书面报告本局，经复查验收合格后，由本局予以摘牌销号。"
        )
    )
    return flowables


def _notice_opening(notice: RectificationNotice) -> list[Flowable]:
    where = f"{notice.site_name}（地址：{notice.site_address}）" if notice.site_address else notice.site_name
    return [
        para(f"{chinese_datetime(notice.found_at)}，本站对你单位{where}进行安全检查，发现存在下列事故隐患："),
        para(f"隐患类别：{notice.category}；隐患等级：{notice.hazard_level}。"),
    ]


def _requirements(notice: RectificationNotice) -> list[Flowable]:
    flowables = paragraphs(notice.requirements)
    flowables.append(
        para(f"请于{chinese_date(notice.deadline)}前整改完毕，并将整改情况书面报告本站。" + SAFETY_MEANWHILE)
    )
    if notice.is_major:
        flowables.append(para(MAJOR_HAZARD_REMINDER))
    return flowables


def _conclusion(opinion: ReinspectionOpinion) -> list[Flowable]:
    """The result in a ruled box below the findings, so it cannot be missed or mistaken."""
    if opinion.passed:
        text = "复查结论：已整改，同意销号。"
    else:
        text = (
            f"复查结论：未按要求整改，责令于{chinese_date(opinion.new_deadline)}前继续整改，"
            "并将整改情况书面报告本站。逾期仍未整改完毕的，将按规定予以督办。"
        )
    box = Table([[para(text, CONCLUSION)]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, "black"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [Spacer(1, 3 * mm), box]


def _photos(title: str, photos: list[Photo]) -> tuple[str, list[Flowable]]:
    return f"{title}（共{len(photos)}张）", [photo_grid(photos)] if photos else []


def _numbered(sections: list[tuple[str, list[Flowable], float]]) -> list[Flowable]:
    """Sections (title, body, room its start needs) headed 一、二、三… in order; a section with
    nothing in it is left out."""
    story: list[Flowable] = []
    present = [(title, body, room) for title, body, room in sections if body]
    for numeral, (title, body, room) in zip(NUMERALS, present, strict=False):
        story += [*section(f"{numeral}、{title}", room), *body]
    return story
