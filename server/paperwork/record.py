"""检查记录 (the inspection record) as an A4 PDF: who inspected what, where and when, every item's answer and score by
section, the score and its verdict, the photos, and the inspected party's acknowledgement with its drawn signature.

A plain library, as the hazard documents are: the caller gathers the facts into the dataclasses below (every text
already in Chinese) and gets the bytes back, the same bytes for the same record.
"""

from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from server.paperwork.layout import (
    CELL,
    CELL_RIGHT,
    TEXT_WIDTH,
    build_pdf,
    chinese_datetime,
    cjk_style,
    field_table,
    heading,
    local_time,
    para,
    photo_grid,
    section,
    signature_table,
)
from server.paperwork.pdf import NUMERALS, PHOTO_ROOM, TEXT_ROOM, Photo, Signature

RECORD_TITLE = "检查记录"
HEADER_GREY = Color(0.9, 0.9, 0.9)
SMALL = cjk_style("small", 9, leading=12, textColor=Color(0.35, 0.35, 0.35))
VERDICT = cjk_style("verdict", 13)


@dataclass(frozen=True)
class RecordItem:
    """One checklist item as answered: the answer, the points (None: not scored, or N/A) and a note."""

    text: str
    answer: str  # 合格 / 不合格 / 不适用 / the option's label / the number with its unit / the text
    points: float | None
    max_points: float | None
    failed: bool = False
    critical: str = ""  # 否决项 (本大类 / 整张), or empty
    note: str = ""
    basis: str = ""
    photo_numbers: tuple[int, ...] = ()  # the 图 numbers of its photos in the photo section
    hazard: bool = False  # became a hazard (转为隐患)


@dataclass(frozen=True)
class RecordSection:
    title: str
    points: float
    max_points: float
    critical_failed: bool
    items: list[RecordItem]


@dataclass(frozen=True)
class InspectionRecord:
    """What the record says; `revision` > 1 is a correction, with its reason."""

    number: str
    checklist: str  # its name and version
    kind: str  # 巡查 / 考核 / 自查 / 执法检查
    mode: str  # 日常巡查, 交叉考核, …
    site_name: str
    site_address: str
    enterprise_name: str
    enterprise_uscc: str
    started_at: datetime
    finished_at: datetime
    inspectors: list[str]
    experts: list[str]
    sections: list[RecordSection]
    points: float
    max_points: float
    percentage: float | None
    pass_mark: float | None
    passed: bool | None
    critical_failures: list[str]  # the failing critical items' texts
    photos: list[Photo]
    signatures: list[Signature]  # the inspectors, then the inspected party's acknowledgement
    revision: int = 1
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    produced_at: datetime | None = None

    def __post_init__(self):
        for moment in (self.started_at, self.finished_at, self.produced_at):
            if moment is not None:
                local_time(moment)


def render_inspection_record(record: InspectionRecord) -> bytes:
    story = heading(record.checklist, RECORD_TITLE, f"记录编号：{record.number}")
    story.append(field_table(_facts(record), label_width=34 * mm))  # 统一社会信用代码 on one line
    parts = [
        ("检查结论", _verdict(record), TEXT_ROOM),
        ("各大类得分", [_subtotals(record)], TEXT_ROOM),
        *((f"{s.title}（{_n(s.points)} / {_n(s.max_points)} 分）", [_items(s)], TEXT_ROOM) for s in record.sections),
        (f"现场照片（共{len(record.photos)}张）", [photo_grid(record.photos)] if record.photos else [], PHOTO_ROOM),
    ]
    for numeral, (title, body, room) in zip(NUMERALS, [p for p in parts if p[1]], strict=False):
        story += [*section(f"{numeral}、{title}", room), *body]
    story += _closing(record)
    return build_pdf(story, title=RECORD_TITLE, number=record.number, author=record.checklist)


def _facts(record: InspectionRecord) -> list[tuple[str, str]]:
    facts = [
        ("检查类型", f"{record.kind}（{record.mode}）"),
        ("被检查场所", f"{record.site_name}（{record.site_address}）" if record.site_address else record.site_name),
        ("被检查单位", record.enterprise_name),
        ("统一社会信用代码", record.enterprise_uscc),
        ("检查时间", f"{chinese_datetime(record.started_at)} 至 {chinese_datetime(record.finished_at)}"),
        ("检查人员", "、".join(record.inspectors)),
        ("专家", "、".join(record.experts)),
        ("记录版本", f"第{record.revision}版（更正原因：{record.reason}）" if record.revision > 1 else ""),
        ("备注", "；".join(record.flags)),
    ]
    return [(label, value) for label, value in facts if value]


def _verdict(record: InspectionRecord) -> list[Flowable]:
    if record.percentage is None:
        lines = [f"总分 {_n(record.points)} / {_n(record.max_points)}，没有适用的计分项，不评定得分率。"]
    else:
        lines = [f"总分 {_n(record.points)} / {_n(record.max_points)}，得分率 {_n(record.percentage)}%。"]
    if record.pass_mark is not None:
        lines.append(f"合格线 {_n(record.pass_mark)}%。")
    if record.critical_failures:
        lines.append("否决项不合格：" + "；".join(record.critical_failures) + "。")
    verdict = {True: "合格", False: "不合格", None: "不评定"}[record.passed]
    box = Table([[[para("".join(lines), CELL), para(f"检查结论：{verdict}", VERDICT)]]], colWidths=[TEXT_WIDTH])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, black), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    return [box]


def _subtotals(record: InspectionRecord) -> Table:
    rows = [[para(t, CELL) for t in ("大类", "得分", "满分", "说明")]]
    for s in record.sections:
        rows.append(
            [
                para(s.title, CELL),
                para(_n(s.points), CELL_RIGHT),
                para(_n(s.max_points), CELL_RIGHT),
                para("否决项不合格，本大类计0分" if s.critical_failed else "", CELL),
            ]
        )
    rows.append([para("合计", CELL), para(_n(record.points), CELL_RIGHT), para(_n(record.max_points), CELL_RIGHT), ""])
    return _ruled(rows, [50 * mm, 20 * mm, 20 * mm, TEXT_WIDTH - 90 * mm])


def _items(s: RecordSection) -> Table:
    rows = [[para(t, CELL) for t in ("序号", "检查项", "检查结果", "得分", "说明")]]
    for number, item in enumerate(s.items, start=1):
        text = [para(item.text, CELL)]
        if item.basis:
            text.append(para(f"依据：{item.basis}", SMALL))
        if item.critical:
            text.append(para(f"否决项（{item.critical}）", SMALL))
        notes = [item.note] if item.note else []
        if item.photo_numbers:
            notes.append("见" + "、".join(f"图{n}" for n in item.photo_numbers))
        if item.hazard:
            notes.append("已转为隐患")
        score = "—" if item.points is None else f"{_n(item.points)} / {_n(item.max_points)}"
        answer = f"{item.answer}（不合格）" if item.failed and item.answer != "不合格" else item.answer
        rows.append(
            [
                para(str(number), CELL),
                text,
                para(answer, CELL),
                para(score, CELL_RIGHT),
                para("；".join(notes), CELL),
            ]
        )
    return _ruled(rows, [13 * mm, 54 * mm, 31 * mm, 18 * mm, TEXT_WIDTH - 116 * mm])


def _ruled(rows: list, widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _closing(record: InspectionRecord) -> list[Flowable]:
    block: list[Flowable] = [*section("被检查单位确认及签名", TEXT_ROOM)]
    block.append(para("以上检查情况属实。", CELL))
    block += [Spacer(1, 3 * mm), signature_table(record.signatures)]
    if record.produced_at is not None:
        block += [Spacer(1, 6 * mm), para(f"本记录由江汉安全网格于{chinese_datetime(record.produced_at)}生成。", SMALL)]
    return [KeepTogether(block)]


def _n(value: float | None) -> str:
    """17.0 → 17, 16.5 → 16.5"""
    if value is None:
        return "—"
    return f"{value:g}" if float(value).is_integer() else f"{round(value, 2):g}"
