"""Check-ins: recorded from the phone (idempotent on its id), read within scope."""

import uuid

from flask import g
from sqlalchemy import select

from server.auth.permissions import requires
from server.auth.scope import grants
from server.checkins import services
from server.checkins.models import CheckIn
from server.checkins.schemas import CheckInCreateSchema, CheckInQuerySchema, CheckInSchema
from server.core.api import DEVICE_TIME_DOC, ApiView, Blueprint, answer_with, device_time, get_or_404, paginate
from server.sites.models import Site

blp = Blueprint("checkins", __name__, url_prefix="/api/v1/checkins", description="到场打卡 / Check-ins")


def _scope():
    return Site.scope_clause(grants("sites.view"))


@blp.route("")
class CheckIns(ApiView):
    @requires("checkins.create")
    @blp.arguments(CheckInCreateSchema)
    @blp.response(201, CheckInSchema)
    @blp.alt_response(
        200,
        schema=CheckInSchema,
        success=True,
        description="already recorded under this id: the stored check-in, unchanged",
    )
    @blp.alt_response(409, description="the id is taken by a check-in with other content")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body):
        """到场打卡 / Record a check-in at a site by its tag (flagged, not refused, when anything is odd)"""
        checkin, created = services.record(g.identity.user_id, body, _scope(), device_time=device_time())
        if not created:
            answer_with(200)
        return services.views([checkin], _scope())[0]

    @requires("sites.view")
    @blp.etag
    @blp.arguments(CheckInQuerySchema, location="query")
    @blp.response(200, CheckInSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """打卡记录 / Check-ins: your own, and those at sites in your scope, newest first"""
        stmt = select(CheckIn).where(
            CheckIn.scope_clause(grants("sites.view"), g.identity.user_id), *services.list_filters(query, _scope())
        )
        page = paginate(stmt, pagination_parameters, order_by=(CheckIn.received_at.desc(), CheckIn.id))
        return services.views(page, _scope())


@blp.route("/<uuid:checkin_id>")
class CheckInById(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.response(200, CheckInSchema)
    def get(self, checkin_id: uuid.UUID):
        """一条打卡 / One check-in"""
        checkin = get_or_404(CheckIn, checkin_id, clause=CheckIn.scope_clause(grants("sites.view"), g.identity.user_id))
        return services.views([checkin], _scope())[0]
