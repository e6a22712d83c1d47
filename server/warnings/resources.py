"""Warnings (预警): the district issues, updates and cancels them; recipients acknowledge and relay; coverage."""

import uuid

from flask import g
from sqlalchemy import select

from server.auth.permissions import login_required, requires
from server.auth.scope import grants
from server.core.api import DEVICE_TIME_DOC, ApiView, Blueprint, answer_with, device_time, get_or_404, paginate
from server.core.db import db
from server.warnings import push, queries, services, subscriptions, views
from server.warnings.models import WarningMessage, WarningRecipient
from server.warnings.push_schemas import PushEndpointQuerySchema, PushSubscriptionInputSchema, PushSubscriptionSchema
from server.warnings.schemas import (
    WarningAcknowledgeSchema,
    WarningCancelSchema,
    WarningCoverageSchema,
    WarningIssueSchema,
    WarningPushConfigSchema,
    WarningQuerySchema,
    WarningRelaySchema,
    WarningSchema,
    WarningUpdateSchema,
)

blp = Blueprint("warnings", __name__, url_prefix="/api/v1/warnings", description="预警 / Warnings")


def _scope():
    """Those the caller receives, and (the offices) those over their areas."""
    return WarningMessage.scope_clause(grants("warnings.coverage"), g.identity.user_id)


def _answer(messages: list) -> list[dict]:
    return views.warning_views(messages, g.identity.user_id, with_totals=not grants("warnings.coverage").empty)


def _issued(message, created: bool) -> dict:
    if not created:
        answer_with(200)
    return _answer([message])[0]


@blp.route("")
class Warnings(ApiView):
    @requires("warnings.view")
    @blp.arguments(WarningQuerySchema, location="query")
    @blp.response(200, WarningSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """预警 / The warnings you received, and those over your areas (offices), newest first"""
        stmt = select(WarningMessage).where(_scope())
        if query.get("current") is not None:
            in_force = WarningMessage.current()
            stmt = stmt.where(in_force if query["current"] else ~in_force)
        if query.get("mine"):
            stmt = stmt.where(
                WarningMessage.id.in_(
                    select(WarningRecipient.warning_id).where(WarningRecipient.user_id == g.identity.user_id)
                )
            )
        found = paginate(stmt, pagination_parameters, order_by=(WarningMessage.sent_at.desc(), WarningMessage.id))
        return _answer(found)

    @requires("warnings.issue")
    @blp.arguments(WarningIssueSchema)
    @blp.response(201, WarningSchema)
    @blp.alt_response(200, schema=WarningSchema, success=True, description="already issued under this id")
    @blp.alt_response(409, description="id_conflict: the id is another message's")
    def post(self, body):
        """发布预警 / Issue a warning over streets, communities or grids: it reaches everyone concerned there"""
        return _issued(*services.issue(g.identity, body, grants("warnings.issue")))


@blp.route("/push")
class PushConfig(ApiView):
    @login_required
    @blp.response(200, WarningPushConfigSchema)
    def get(self):
        """推送设置 / Whether Web Push is configured (else the feed and the app's poll deliver alone)"""
        return {"enabled": push.configured(), "public_key": push.public_key()}


@blp.route("/push/subscriptions")
class PushSubscriptions(ApiView):
    @login_required
    @blp.arguments(PushSubscriptionInputSchema)
    @blp.response(201, PushSubscriptionSchema)
    @blp.alt_response(200, schema=PushSubscriptionSchema, success=True, description="registered already: updated")
    @blp.alt_response(409, description="push_not_configured: no push service here (the app does not subscribe)")
    def post(self, body):
        """订阅预警推送 / Register this browser's push subscription for you (again: updated; one per endpoint)"""
        if not push.configured():
            raise push.NotConfigured()
        stored, created = subscriptions.register(g.identity.user_id, body, push.public_key())
        if not created:
            answer_with(200)
        return stored

    @login_required
    @blp.arguments(PushEndpointQuerySchema, location="query")
    @blp.response(204)
    def delete(self, query):
        """取消预警推送 / Unsubscribe this browser (your subscription at that endpoint; none: nothing to do)"""
        subscriptions.forget(g.identity.user_id, query["endpoint"])


@blp.route("/<uuid:warning_id>")
class WarningById(ApiView):
    @requires("warnings.view")
    @blp.response(200, WarningSchema)
    def get(self, warning_id: uuid.UUID):
        """一条预警 / One warning message"""
        return _answer([get_or_404(WarningMessage, warning_id, clause=_scope())])[0]


def _original(warning_id) -> WarningMessage:
    """The message to change, locked: two changes of it at once are one after the other, the second refused."""
    issuer = WarningMessage.scope_clause(grants("warnings.issue"))
    return get_or_404(WarningMessage, warning_id, clause=issuer, lock=True)


@blp.route("/<uuid:warning_id>/update")
class UpdateWarning(ApiView):
    @requires("warnings.issue")
    @blp.arguments(WarningUpdateSchema)
    @blp.response(201, WarningSchema)
    @blp.alt_response(200, schema=WarningSchema, success=True, description="already sent under this id")
    @blp.alt_response(409, description="warning_not_current: it was replaced, cancelled or expired; id_conflict")
    def post(self, body, warning_id: uuid.UUID):
        """变更预警 / Update a warning in force: a new message that replaces it (level, areas, text, times)"""
        original = _original(warning_id)
        return _issued(*services.change(g.identity, original, body, grants("warnings.issue"), "update"))


@blp.route("/<uuid:warning_id>/cancel")
class CancelWarning(ApiView):
    @requires("warnings.issue")
    @blp.arguments(WarningCancelSchema)
    @blp.response(201, WarningSchema)
    @blp.alt_response(200, schema=WarningSchema, success=True, description="already sent under this id")
    @blp.alt_response(409, description="warning_not_current: it was replaced, cancelled or expired; id_conflict")
    def post(self, body, warning_id: uuid.UUID):
        """解除预警 / Cancel a warning in force: a message to everyone it reached"""
        original = _original(warning_id)
        return _issued(*services.change(g.identity, original, body, grants("warnings.issue"), "cancel"))


@blp.route("/<uuid:warning_id>/acknowledge")
class Acknowledge(ApiView):
    @requires("warnings.acknowledge")
    @blp.arguments(WarningAcknowledgeSchema)
    @blp.response(200, WarningSchema)
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body, warning_id: uuid.UUID):
        """已阅 / Acknowledge a warning you received (again is harmless: the first stands)"""
        message = db.session.get(WarningMessage, warning_id)  # a recipient's is in scope; none: not a recipient
        receipt = services.acknowledge(g.identity, message, warning_id, body, device_time())
        with_totals = not grants("warnings.coverage").empty
        return views.warning_views(
            [message], g.identity.user_id, with_totals=with_totals, receipts={message.id: receipt}
        )[0]


@blp.route("/<uuid:warning_id>/relay")
class Relay(ApiView):
    @requires("warnings.acknowledge")
    @blp.arguments(WarningRelaySchema)
    @blp.response(200, WarningSchema)
    @blp.alt_response(409, description="relay_not_expected (not a grid worker's), already_relayed (another id)")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body, warning_id: uuid.UUID):
        """已传达 / Confirm you relayed a warning to your grid's households (a grid worker; it counts as read)"""
        message = get_or_404(WarningMessage, warning_id, clause=_scope())
        services.relay(g.identity, message, body, device_time())
        return _answer([message])[0]


@blp.route("/<uuid:warning_id>/coverage")
class Coverage(ApiView):
    @requires("warnings.coverage")
    @blp.response(200, WarningCoverageSchema)
    def get(self, warning_id: uuid.UUID):
        """覆盖率 / Who has read and relayed a message: in all, by street, by grid and by role (indicator 8)"""
        message = get_or_404(
            WarningMessage, warning_id, clause=WarningMessage.scope_clause(grants("warnings.coverage"))
        )
        in_time = services.first_reminder(message)
        return {
            "warning_id": message.id,
            "read_in_time_by": in_time,
            "totals": views.totals_view(queries.totals([message.id], in_time).get(message.id)),
            "by_street": [
                {"area_id": r.area_id, "name": r.name, **views.totals_view(r)}
                for r in queries.coverage_by(message.id, WarningRecipient.street_id, in_time)
            ],
            "by_grid": [
                {"area_id": r.area_id, "name": r.name, **views.totals_view(r)}
                for r in queries.coverage_by(message.id, WarningRecipient.grid_id, in_time)
            ],
            "by_role": [
                {"role": r.role, **views.totals_view(r)} for r in queries.coverage_by_role(message.id, in_time)
            ],
        }
