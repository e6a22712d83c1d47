"""突发事件信息专报 (the incident bulletin) as an A4 PDF: the incident's facts, how it was passed on (received,
forwarded to the district, acknowledged), then the chain of its reports, first, follow-ups and final, each with its
time, author, casualties and what was known, and the photos they cite.

A plain library, as the other documents are: the caller gathers the facts (every text already in Chinese) and gets
the bytes back, the same bytes for the same chain.
"""

from dataclasses import dataclass, field
from datetime import datetime

from server.paperwork.layout import (
    build_pdf,
    chinese_datetime,
    field_table,
    heading,
    local_time,
    paragraphs,
    photo_grid,
    section,
)
from server.paperwork.pdf import NUMERALS, PHOTO_ROOM, TEXT_ROOM, Photo

BULLETIN_TITLE = "突发事件信息专报"


@dataclass(frozen=True)
class BulletinReport:
    kind: str  # 初报 / 续报 / 终报
    at: datetime
    author: str
    casualties: str  # 死亡0人，受伤1人，失联0人，被困3人
    description: str


@dataclass(frozen=True)
class Bulletin:
    number: str
    org: str  # the reporting street's 安全生产监督管理站
    type_name: str
    place: str
    occurred_at: datetime
    received_at: datetime
    forwarded_at: datetime | None
    forward_minutes: float | None
    acknowledged_at: datetime | None
    state: str
    reports: list[BulletinReport]
    photos: list[Photo] = field(default_factory=list)  # 现场照片, of every report in the chain

    def __post_init__(self):
        for moment in (self.occurred_at, self.received_at, self.forwarded_at, self.acknowledged_at):
            if moment is not None:
                local_time(moment)


def numeral(n: int) -> str:
    """一 … 十, 十一 … 九十九: a long incident has more than ten reports, and none may be left off."""
    digits = "〇" + NUMERALS[:9]
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}" if n < 100 else str(n)


def _when(moment: datetime | None) -> str:
    return chinese_datetime(moment) if moment is not None else "—"


def render_bulletin(bulletin: Bulletin) -> bytes:
    story = heading(bulletin.org, BULLETIN_TITLE, f"编号：{bulletin.number}")
    forwarded = _when(bulletin.forwarded_at)
    if bulletin.forward_minutes is not None:
        forwarded += f"（接报后{bulletin.forward_minutes:g}分钟）"
    story.append(
        field_table(
            [
                ("事件类别", bulletin.type_name),
                ("发生地点", bulletin.place),
                ("发生时间", _when(bulletin.occurred_at)),
                ("街道接报时间", _when(bulletin.received_at)),
                ("报区时间", forwarded),
                ("区确认接报", _when(bulletin.acknowledged_at)),
                ("当前状态", bulletin.state),
            ]
        )
    )
    for n, report in enumerate(bulletin.reports, start=1):
        story += section(f"{numeral(n)}、{report.kind}（{_when(report.at)}，{report.author}）", TEXT_ROOM)
        story += paragraphs(f"人员伤亡：{report.casualties}")
        story += paragraphs(report.description)
    if bulletin.photos:
        title = f"{numeral(len(bulletin.reports) + 1)}、现场照片（共{len(bulletin.photos)}张）"
        story += [*section(title, PHOTO_ROOM), photo_grid(bulletin.photos)]
    return build_pdf(story, title=BULLETIN_TITLE, number=bulletin.number, author=bulletin.org)
