"""Dashboards (统计看板): GET /api/v1/dashboards for a scope and a period; every figure names its list."""

from flask import g

from server.areas.models import Area
from server.auth.permissions import requires
from server.auth.scope import grants
from server.checkins.models import CheckIn
from server.core.api import ApiView, Blueprint, get_or_404
from server.core.time import utcnow
from server.dashboards import services
from server.dashboards.schemas import DashboardQuerySchema, DashboardSchema
from server.hazards.models import Hazard
from server.inspections.models import Inspection
from server.plans.models import Task
from server.sites.models import Site

blp = Blueprint("dashboards", __name__, url_prefix="/api/v1/dashboards", description="统计看板 / Dashboards")


def scopes() -> services.Scopes:
    """The scopes of the lists the figures drill down to, for the caller: a figure counts what its list shows."""
    me = g.identity.user_id
    return services.Scopes(
        hazards=Hazard.scope_clause(grants("hazards.view"), me),
        tasks=Task.scope_clause(grants("tasks.view"), me),
        inspections=Inspection.scope_clause(grants("inspections.view"), me),
        checkins=CheckIn.scope_clause(grants("sites.view"), me),
        sites=Site.scope_clause(grants("sites.view")),
        user_id=me,
        hazards_granted=Hazard.scope_clause(grants("hazards.view")),
    )


@blp.route("")
class Dashboard(ApiView):
    @requires("dashboards.view")
    @blp.etag
    @blp.arguments(DashboardQuerySchema, location="query")
    @blp.response(200, DashboardSchema)
    @blp.alt_response(404, description="no such area")
    def get(self, query):
        """统计看板 / For a scope (your scope, narrowed to an area, a sector, a site type) and a period: hazards found,
        closed, open and overdue by level, the closure rate, closed by the deadline, acknowledged within 30 minutes
        (from arrival and from observation), major hazards listed and de-listed, coverage, inspections and their
        scores, flagged check-ins, a 12-month trend; each figure with the list query that shows its rows"""
        now = utcnow()
        period = services.period(query.get("period"), now)
        area = get_or_404(Area, query["area_id"]) if "area_id" in query else None
        ask = services.Ask(scopes(), period, now, area, query.get("sector"), query.get("site_type"))
        return services.dashboard(ask)
