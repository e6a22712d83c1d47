"""Printable documents of the hazard loop (隐患整改意见书, 整改复查意见书, 重大事故隐患挂牌督办通知书)
as A4 PDFs."""
from server.documents.pdf import (ListingNotice, Party, Photo, RectificationNotice, RectificationPlan,
                                  ReinspectionOpinion, Signature, render_listing_notice,
                                  render_rectification_notice, render_reinspection_opinion)

__all__ = ["ListingNotice", "Party", "Photo", "RectificationNotice", "RectificationPlan", "ReinspectionOpinion",
           "Signature", "render_listing_notice", "render_rectification_notice", "render_reinspection_opinion"]
