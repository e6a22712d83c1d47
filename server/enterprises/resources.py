"""Enterprises: listed and read within scope; created and edited by stations, departments, admins."""

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from server.areas.models import Area, subtree_ids
from server.auth.permissions import requires
from server.auth.scope import grants
from server.core.api import ApiView, Blueprint, get_or_404, paginate, within_scope
from server.core.errors import error
from server.core.i18n import tr
from server.enterprises import services
from server.enterprises.models import Enterprise
from server.enterprises.schemas import (
    EnterpriseCreateSchema,
    EnterpriseQuerySchema,
    EnterpriseSchema,
    EnterpriseUpdateSchema,
)

WITH_AREA = (joinedload(Enterprise.area),)

blp = Blueprint("enterprises", __name__, url_prefix="/api/v1/enterprises", description="生产经营单位 / Enterprises")


def _save(enterprise: Enterprise, changes: dict) -> Enterprise:
    if "area_id" in changes and not services.area_exists(changes["area_id"]):
        error(422, errors={"json": {"area_id": [tr("区域不存在", "No such area")]}})
    services.apply_changes(enterprise, changes)
    if not within_scope(Enterprise, enterprise, Enterprise.scope_clause(grants("enterprises.manage"))):
        error(
            422,
            tr("该企业将超出您的管理范围（属地或行业）", "The enterprise would be outside your scope (area or sector)"),
            code="outside_scope",
        )
    return enterprise


@blp.route("")
class Enterprises(ApiView):
    @requires("enterprises.view")
    @blp.etag
    @blp.arguments(EnterpriseQuerySchema, location="query")
    @blp.response(200, EnterpriseSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """企业列表 / List the enterprises in your scope"""
        stmt = (
            select(Enterprise)
            .options(joinedload(Enterprise.area))
            .where(Enterprise.scope_clause(grants("enterprises.view")))
        )
        if "q" in query:
            stmt = stmt.where(
                or_(Enterprise.name.contains(query["q"], autoescape=True), Enterprise.uscc == query["q"].upper())
            )
        if "sector" in query:
            stmt = stmt.where(Enterprise.sector == query["sector"])
        if "above_designated_size" in query:
            stmt = stmt.where(Enterprise.above_designated_size.is_(query["above_designated_size"]))
        if "area_id" in query:
            root = get_or_404(Area, query["area_id"])
            stmt = stmt.where(Enterprise.area_id.in_(subtree_ids([root.path])))
        return paginate(stmt, pagination_parameters, order_by=(Enterprise.name, Enterprise.id))

    @requires("enterprises.manage")
    @blp.etag
    @blp.arguments(EnterpriseCreateSchema)
    @blp.response(201, EnterpriseSchema)
    @blp.alt_response(409, description="the USCC is already registered")
    def post(self, body):
        """登记企业 / Register an enterprise in your scope"""
        return _save(Enterprise(), body)


@blp.route("/<uuid:enterprise_id>")
class EnterpriseById(ApiView):
    @requires("enterprises.view")
    @blp.etag
    @blp.response(200, EnterpriseSchema)
    def get(self, enterprise_id: uuid.UUID):
        """一个企业 / One enterprise"""
        return get_or_404(
            Enterprise, enterprise_id, clause=Enterprise.scope_clause(grants("enterprises.view")), options=WITH_AREA
        )

    @requires("enterprises.manage")
    @blp.etag
    @blp.arguments(EnterpriseUpdateSchema)
    @blp.response(200, EnterpriseSchema)
    def patch(self, body, enterprise_id: uuid.UUID):
        """修改企业 / Edit an enterprise (If-Match: the ETag you read)"""
        enterprise = get_or_404(
            Enterprise,
            enterprise_id,
            lock=True,  # checked against the version it replaces
            clause=Enterprise.scope_clause(grants("enterprises.view")),
        )
        if not within_scope(Enterprise, enterprise, Enterprise.scope_clause(grants("enterprises.manage"))):
            error(403, tr("您只能查看该企业，不能修改", "You may view this enterprise but not edit it"))
        blp.check_etag(enterprise, EnterpriseSchema)
        return _save(enterprise, body)
