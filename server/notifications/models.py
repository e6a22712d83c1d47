"""The inbox (待办): what needs each user's action, one row per user and thing."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UTCDateTime, UUIDPrimaryKey
from server.core.time import utcnow

KINDS = {
    "new_report": ("新上报隐患待受理", "A new report to triage"),
    "ack_warning": ("隐患即将超过30分钟未受理", "A report nears 30 minutes unacknowledged"),
    "ack_escalation": ("隐患超过30分钟未受理", "A report passed 30 minutes unacknowledged"),
    "transferred": ("隐患已移送本部门", "A hazard was transferred to your department"),
    "notice": ("收到隐患整改意见书", "A rectification notice for you"),
    "deadline_near": ("整改期限将至", "A rectification deadline is near"),
    "overdue": ("整改逾期，已督办", "Rectification overdue: under supervision"),
    "reinspection_due": ("整改已提交，待复查", "A rectification awaits re-inspection"),
    "returned": ("复查未通过，需继续整改", "Re-inspection failed: rectify again"),
    "reinspection_overdue": ("整改已提交，复查逾期", "A re-inspection is overdue"),
    "major_forwarded": ("重大隐患报告", "A major hazard reported to the district"),
    "extension_requested": ("重大隐患延期申请待审批", "A major hazard's extension request to decide"),
    "ordered": ("收到责令限期整改指令书", "An enforcement order for you"),
    "invited": ("邀请您对隐患提出专家意见", "You are invited to give a finding on a hazard"),
    # about another record than a hazard (record_type, record_id); {subject} is the row's subject
    "summons": ("约谈提醒：{subject}连续两月考核排名靠后", "Summons: {subject} ranked low two months running"),
    # warnings (预警): record_type "warning", {subject} its headline
    "warning": ("预警：{subject}", "Warning: {subject}"),
    "warning_update": ("预警变更：{subject}", "Warning updated: {subject}"),
    "warning_cancel": ("预警解除：{subject}", "Warning cancelled: {subject}"),
    "warning_reminder": ("请尽快阅读预警：{subject}", "Please read the warning: {subject}"),
    # about an incident (突发事件, record_type "incident"); {subject} is where it happened
    "incident_received": ("突发事件待报区：{subject}", "An incident to forward: {subject}"),
    "incident_forward_warning": (
        "突发事件即将超过30分钟未报区：{subject}",
        "An incident nears 30 minutes unforwarded: {subject}",
    ),
    "incident_escalation": (
        "突发事件超过30分钟未报区：{subject}",
        "An incident passed 30 minutes unforwarded: {subject}",
    ),
    "incident_forwarded": ("街道报送突发事件：{subject}", "A street forwarded an incident: {subject}"),
    "incident_followup_requested": ("区要求续报：{subject}", "The district asks for a follow-up: {subject}"),
    "incident_followup": ("突发事件续报：{subject}", "An incident follow-up: {subject}"),
    "incident_final": ("突发事件终报：{subject}", "An incident's final report: {subject}"),
    # about a disaster (灾情统计, record_type "disaster"); {subject} is the disaster and the communities that owe
    "disaster_initial_due": ("灾情初报已超时未报：{subject}", "Disaster first report overdue: {subject}"),
    "disaster_followup_due": ("今日灾情续报未报：{subject}", "Today's disaster follow-up not sent: {subject}"),
    # a ledger export (台账) built by its job: record_type "ledger", the export's id; {subject} is the ledger's name
    "ledger_ready": ("台账已生成，可下载：{subject}", "Ledger ready to download: {subject}"),
}


class Notification(UUIDPrimaryKey, Base):
    """One thing one user should act on; `key` makes each fan-out happen once however often it runs."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key"), Index("ix_notifications_inbox", "user_id", "read_at"))

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))  # kind:hazard:due-time, stable across re-runs
    kind: Mapped[str] = mapped_column(String(32))
    hazard_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hazards.id"), index=True)
    # or another record it is about (a summons: "summons" and its id), and the name its title shows
    record_type: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID | None] = mapped_column()
    subject: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
