"""The paperwork (文书) of the hazard loop, 隐患整改意见书, 整改复查意见书, 重大事故隐患挂牌督办通知书 and
责令限期整改指令书, and the inspection record (检查记录), typeset as A4 PDFs. A library: no app, no database; the
hazard's documents (hazards/documents.py) and the inspections' records (inspections/records.py) render and keep them."""

from server.paperwork.pdf import (
    EnforcementOrder,
    ListingNotice,
    Party,
    Photo,
    RectificationNotice,
    RectificationPlan,
    ReinspectionOpinion,
    Signature,
    render_enforcement_order,
    render_listing_notice,
    render_rectification_notice,
    render_reinspection_opinion,
)
from server.paperwork.record import InspectionRecord, RecordItem, RecordSection, render_inspection_record

__all__ = [
    "EnforcementOrder",
    "InspectionRecord",
    "ListingNotice",
    "Party",
    "Photo",
    "RectificationNotice",
    "RecordItem",
    "RecordSection",
    "RectificationPlan",
    "ReinspectionOpinion",
    "Signature",
    "render_enforcement_order",
    "render_inspection_record",
    "render_listing_notice",
    "render_rectification_notice",
    "render_reinspection_opinion",
]
