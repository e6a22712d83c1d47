"""Sites: listed and read within scope; created and edited by stations, supervisors and admins."""
import uuid

from sqlalchemy import or_, select

from server.areas.models import Area
from server.auth.permissions import BEARER_DOC, requires
from server.auth.scope import grants
from server.core.api import ApiView, Blueprint, get_or_404, paginate, within_scope
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.enterprises.models import Enterprise
from server.sites.models import Site
from server.sites.schemas import SiteCreateSchema, SiteQuerySchema, SiteSchema, SiteUpdateSchema

blp = Blueprint("sites", __name__, url_prefix="/api/v1/sites", description="场所 / Sites")


def _save(site: Site, changes: dict) -> Site:
    """Apply the changes, checking what they point at; the result must stay in the caller's scope."""
    if "grid_id" in changes:
        grid = db.session.get(Area, changes["grid_id"])
        if grid is None or grid.level != "grid":
            error(422, errors={"json": {"grid_id": [tr("应为一个网格的编号", "Must be the id of a grid")]}})
    if changes.get("enterprise_id") is not None:
        visible = Enterprise.scope_clause(grants("enterprises.view"))
        if db.session.scalar(select(Enterprise.id).where(Enterprise.id == changes["enterprise_id"], visible)) is None:
            error(422, errors={"json": {"enterprise_id": [tr("企业不存在或不在您的范围内",
                                                             "No such enterprise within your scope")]}})
    for key, value in changes.items():
        setattr(site, key, value)
    db.session.add(site)
    db.session.flush()
    if not within_scope(Site, site, Site.scope_clause(grants("sites.manage"))):
        error(422, tr("该场所将超出您的管理范围", "The site would be outside your scope"), code="outside_scope")
    db.session.refresh(site)
    return site


@blp.route("")
class Sites(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.arguments(SiteQuerySchema, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate()
    @blp.doc(security=BEARER_DOC)
    def get(self, query, pagination_parameters):
        """场所列表 / List the sites in your scope, with filters"""
        stmt = select(Site).where(Site.scope_clause(grants("sites.view")))
        if "type" in query:
            stmt = stmt.where(Site.type == query["type"])
        if "risk_level" in query:
            stmt = stmt.where(Site.risk_level == query["risk_level"])
        if "enterprise_id" in query:
            stmt = stmt.where(Site.enterprise_id == query["enterprise_id"])
        if "area_id" in query:
            root = get_or_404(Area, query["area_id"])
            stmt = stmt.where(Site.grid_id.in_(select(Area.id).where(Area.path.startswith(root.path,
                                                                                            autoescape=False))))
        if "q" in query:
            stmt = stmt.where(or_(Site.name.contains(query["q"], autoescape=True),
                                  Site.address.contains(query["q"], autoescape=True)))
        return paginate(stmt, pagination_parameters, order_by=(Site.name, Site.id))

    @requires("sites.manage")
    @blp.etag
    @blp.arguments(SiteCreateSchema)
    @blp.response(201, SiteSchema)
    @blp.doc(security=BEARER_DOC)
    def post(self, body):
        """登记场所 / Register a site in a grid of your scope"""
        return _save(Site(), body)


@blp.route("/<uuid:site_id>")
class SiteById(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.response(200, SiteSchema)
    @blp.doc(security=BEARER_DOC)
    def get(self, site_id: uuid.UUID):
        """一个场所 / One site"""
        return get_or_404(Site, site_id, clause=Site.scope_clause(grants("sites.view")))

    @requires("sites.manage")
    @blp.etag
    @blp.arguments(SiteUpdateSchema)
    @blp.response(200, SiteSchema)
    @blp.doc(security=BEARER_DOC)
    def patch(self, body, site_id: uuid.UUID):
        """修改场所 / Edit a site (If-Match: the ETag you read)"""
        site = get_or_404(Site, site_id, clause=Site.scope_clause(grants("sites.view")))
        if not within_scope(Site, site, Site.scope_clause(grants("sites.manage"))):
            error(403, tr("您只能查看该场所，不能修改", "You may view this site but not edit it"))
        blp.check_etag(site, SiteSchema)
        return _save(site, body)
