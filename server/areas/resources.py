"""The area tree: readable by every signed-in user (it is public administrative data), edited by admins."""

from sqlalchemy import select

from server.areas import services
from server.areas.models import Area
from server.areas.schemas import AreaCreateSchema, AreaQuerySchema, AreaSchema, AreaUpdateSchema
from server.auth.permissions import login_required, requires
from server.auth.scope import covers_area, grants
from server.core.api import ApiView, Blueprint, get_or_404, paginate
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr

blp = Blueprint("areas", __name__, url_prefix="/api/v1/areas", description="区域树 / The area tree")


def _area_to_manage(area_id: int, field: str) -> Area:
    """An area the admin may edit under: it must exist and lie within their scope."""
    area = db.session.get(Area, area_id)
    if area is None or not covers_area(grants("areas.manage"), area):
        error(422, errors={"json": {field: [tr("区域不存在或不在您的管理范围内", "No such area within your scope")]}})
    return area


@blp.route("")
class Areas(ApiView):
    @login_required
    @blp.etag
    @blp.arguments(AreaQuerySchema, location="query")
    @blp.response(200, AreaSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """区域列表 / List areas"""
        stmt = select(Area)
        if "level" in query:
            stmt = stmt.where(Area.level == query["level"])
        if "parent_id" in query:
            stmt = stmt.where(Area.parent_id == query["parent_id"])
        if "within" in query:
            root = get_or_404(Area, query["within"])
            stmt = stmt.where(Area.within(root.path))
        if "q" in query:
            stmt = stmt.where(Area.name.contains(query["q"], autoescape=True))
        return paginate(stmt, pagination_parameters, order_by=(Area.path,))

    @requires("areas.manage")
    @blp.etag
    @blp.arguments(AreaCreateSchema)
    @blp.response(201, AreaSchema)
    def post(self, body):
        """新建区域 / Create an area under a parent in your scope"""
        parent = _area_to_manage(body["parent_id"], "parent_id")
        _check_code_free(body["code"])
        return services.create_area(code=body["code"], name=body["name"], level=body["level"], parent=parent)


@blp.route("/<rowid:area_id>")
class AreaById(ApiView):
    @login_required
    @blp.etag
    @blp.response(200, AreaSchema)
    def get(self, area_id):
        """一个区域 / One area"""
        return get_or_404(Area, area_id)

    @requires("areas.manage")
    @blp.etag
    @blp.arguments(AreaUpdateSchema)
    @blp.response(200, AreaSchema)
    def patch(self, body, area_id):
        """修改或移动区域 / Rename, recode or move an area (with its subtree)"""
        area = get_or_404(Area, area_id, lock=True)  # checked against the version it replaces
        if not covers_area(grants("areas.manage"), area):
            error(403, tr("该区域不在您的管理范围内", "This area is outside your scope"))
        blp.check_etag(area, AreaSchema)
        if "code" in body and body["code"] != area.code:
            _check_code_free(body["code"])
            area.code = body["code"]
        if "name" in body:
            area.name = body["name"]
        if "parent_id" in body and body["parent_id"] != area.parent_id:
            services.move_area(area, _area_to_manage(body["parent_id"], "parent_id"))
        db.session.flush()
        return db.session.get(Area, area_id)


def _check_code_free(code: str):
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        error(409, tr("区划代码 {c} 已存在", "Area code {c} is already in use", c=code), code="duplicate_code")
