"""Printable documents of the hazard loop (隐患整改意见书, 整改复查意见书) as A4 PDFs."""
from server.documents.pdf import (Party, Photo, RectificationNotice, ReinspectionOpinion, Signature,
                                  render_rectification_notice, render_reinspection_opinion)

__all__ = ["Party", "Photo", "RectificationNotice", "ReinspectionOpinion", "Signature",
           "render_rectification_notice", "render_reinspection_opinion"]
