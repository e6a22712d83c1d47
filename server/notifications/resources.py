"""The inbox: what needs the signed-in user's action, newest first."""

import uuid

from flask import g
from sqlalchemy import select

from server.auth.permissions import login_required
from server.core.api import ApiView, Blueprint, paginate
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.core.time import utcnow
from server.notifications.models import KINDS, Notification
from server.notifications.schemas import InboxQuerySchema, NotificationSchema

blp = Blueprint("inbox", __name__, url_prefix="/api/v1/inbox", description="待办 / The inbox")


def _view(note: Notification) -> dict:
    return {
        "id": note.id,
        "kind": note.kind,
        "title": tr(*KINDS[note.kind], subject=note.subject or ""),
        "hazard_id": note.hazard_id,
        "record_type": note.record_type,
        "record_id": note.record_id,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


@blp.route("")
class Inbox(ApiView):
    @login_required
    @blp.arguments(InboxQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """我的待办 / My inbox"""
        stmt = select(Notification).where(Notification.user_id == g.identity.user_id)
        if query.get("unread") is not None:
            stmt = stmt.where(Notification.read_at.is_(None) if query["unread"] else Notification.read_at.is_not(None))
        notes = paginate(stmt, pagination_parameters, order_by=(Notification.created_at.desc(), Notification.id))
        return [_view(note) for note in notes]


@blp.route("/<uuid:notification_id>/read")
class MarkRead(ApiView):
    @login_required
    @blp.response(200, NotificationSchema)
    def post(self, notification_id: uuid.UUID):
        """标为已读 / Mark as read (again is harmless)"""
        note = db.session.get(Notification, notification_id)
        if note is None or note.user_id != g.identity.user_id:  # someone else's reads as absent
            error(404, tr("未找到该待办", "No such notification"))
        note.read_at = note.read_at or utcnow()
        return _view(note)
