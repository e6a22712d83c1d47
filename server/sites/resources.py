"""Sites: listed and read within scope; created and edited by stations, supervisors and admins."""

import json
import uuid

from flask import g
from sqlalchemy import select

from server.areas.models import Area
from server.auth.permissions import requires
from server.auth.scope import grants
from server.core.api import ApiView, Blueprint, get_or_404
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.sites import services
from server.sites.models import Site
from server.sites.schemas import SiteCreateSchema, SiteQuerySchema, SiteSchema, SiteUpdateSchema

blp = Blueprint("sites", __name__, url_prefix="/api/v1/sites", description="场所 / Sites")


def _save(site: Site, changes: dict, action: str) -> dict:
    """Apply the changes, checking what they point at; the result must stay in the caller's scope.
    The change goes on the record, which is also what tells phones (the delta feed) to fetch the site."""
    if "grid_id" in changes:
        grid = db.session.get(Area, changes["grid_id"])
        if grid is None or grid.level != "grid":
            error(422, errors={"json": {"grid_id": [tr("应为一个网格的编号", "Must be the id of a grid")]}})
    if changes.get("enterprise_id") is not None:
        visible = Enterprise.scope_clause(grants("enterprises.view"))
        if db.session.scalar(select(Enterprise.id).where(Enterprise.id == changes["enterprise_id"], visible)) is None:
            error(
                422,
                errors={
                    "json": {
                        "enterprise_id": [tr("企业不存在或不在您的范围内", "No such enterprise within your scope")]
                    }
                },
            )
    for key, value in changes.items():
        setattr(site, key, value)
    db.session.add(site)
    db.session.flush()
    view = services.site_view(site.id, Site.scope_clause(grants("sites.manage")))
    if view is None:
        error(422, tr("该场所将超出您的管理范围", "The site would be outside your scope"), code="outside_scope")
    evidence.record(
        "site", site.id, action, actor_id=g.identity.user_id, data=json.loads(json.dumps(changes, default=str))
    )
    return view


@blp.route("")
class Sites(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.arguments(SiteQuerySchema, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """场所列表 / List the sites in your scope, with filters"""
        area_path = get_or_404(Area, query["area_id"]).path if "area_id" in query else None
        clauses = services.filtered(
            Site.scope_clause(grants("sites.view")),
            type=query.get("type"),
            risk_level=query.get("risk_level"),
            enterprise_id=query.get("enterprise_id"),
            area_path=area_path,
            q=query.get("q"),
        )
        total, page = services.site_page(
            clauses, offset=pagination_parameters.first_item, limit=pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return page

    @requires("sites.manage")
    @blp.etag
    @blp.arguments(SiteCreateSchema)
    @blp.response(201, SiteSchema)
    def post(self, body):
        """登记场所 / Register a site in a grid of your scope"""
        return _save(Site(), body, "create")


@blp.route("/<uuid:site_id>")
class SiteById(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.response(200, SiteSchema)
    def get(self, site_id: uuid.UUID):
        """一个场所 / One site"""
        view = services.site_view(site_id, Site.scope_clause(grants("sites.view")))
        if view is None:
            error(404, tr("未找到该场所", "No such site"))
        return view

    @requires("sites.manage")
    @blp.etag
    @blp.arguments(SiteUpdateSchema)
    @blp.response(200, SiteSchema)
    def patch(self, body, site_id: uuid.UUID):
        """修改场所 / Edit a site (If-Match: the ETag you read)"""
        # Locked first: the ETag is then checked against the very version this change replaces, so of two edits
        # sent at once on one version, the second is told it is stale (412) instead of overwriting the first.
        site = get_or_404(Site, site_id, clause=Site.scope_clause(grants("sites.view")), lock=True)
        view = services.site_view(site_id, Site.scope_clause(grants("sites.view")))
        if services.site_view(site_id, Site.scope_clause(grants("sites.manage"))) is None:
            error(403, tr("您只能查看该场所，不能修改", "You may view this site but not edit it"))
        blp.check_etag(view, SiteSchema)
        return _save(site, body, "update")
