"""The paperwork (文书) of the hazard loop, 隐患整改意见书, 整改复查意见书, 重大事故隐患挂牌督办通知书 and
责令限期整改指令书, typeset as A4 PDFs. A library: no app, no database; the hazard's documents (hazards/documents.py)
number, render and keep them."""

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

__all__ = [
    "EnforcementOrder",
    "ListingNotice",
    "Party",
    "Photo",
    "RectificationNotice",
    "RectificationPlan",
    "ReinspectionOpinion",
    "Signature",
    "render_enforcement_order",
    "render_listing_notice",
    "render_rectification_notice",
    "render_reinspection_opinion",
]
