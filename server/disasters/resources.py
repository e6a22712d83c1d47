"""Disaster statistics (自然灾害情况统计): a disaster opened by the district or a street, its communities' first,
follow-up and verified reports, their totals by area, and the ledger as XLSX or CSV."""

import uuid
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import select

from server.areas.models import Area
from server.auth.permissions import requires
from server.auth.scope import covers_area, grants
from server.core.api import ApiView, Blueprint, answer_with, get_or_404, paginate, send_bytes
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.disasters import ledger, services, totals
from server.disasters.models import Disaster, DisasterReport
from server.disasters.schemas import (
    DisasterCreateSchema,
    DisasterEditSchema,
    DisasterReportCreateSchema,
    DisasterReportSchema,
    DisasterSchema,
    TotalsQuerySchema,
    TotalsSchema,
)
from server.incidents.classification import label
from server.people.models import User

blp = Blueprint("disasters", __name__, url_prefix="/api/v1", description="自然灾害情况统计 / Disaster statistics")


def _scope():
    return Disaster.scope_clause(grants("disasters.view"))


def _report_scope():
    return DisasterReport.scope_clause(grants("disasters.view"), g.identity.user_id)


def _view(disaster: Disaster) -> dict:
    hours = current_app.config["DISASTER_FIRST_REPORT_HOURS"]
    return {
        **{c.key: getattr(disaster, c.key) for c in Disaster.__table__.columns},
        "type_name": label(disaster.type),
        "area_name": db.session.get(Area, disaster.area_id).name,
        "first_report_due_at": disaster.started_at + timedelta(hours=hours),
    }


def _report_views(reports) -> list[dict]:
    people = {r.reporter_id for r in reports}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(people))).all()) if people else {}
    areas = {r.community_id for r in reports}
    places = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(areas))).all()) if areas else {}
    return [
        {
            **{c.key: getattr(r, c.key) for c in DisasterReport.__table__.columns},
            "community_name": places.get(r.community_id, ""),
            "reporter_name": names.get(r.reporter_id, ""),
        }
        for r in reports
    ]


@blp.route("/disasters")
class Disasters(ApiView):
    @requires("disasters.view")
    @blp.response(200, DisasterSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """灾害过程 / The disasters over your areas, newest first"""
        page = paginate(
            select(Disaster).where(_scope()), pagination_parameters, order_by=(Disaster.started_at.desc(), Disaster.id)
        )
        return [_view(d) for d in page]

    @requires("disasters.manage")
    @blp.arguments(DisasterCreateSchema)
    @blp.response(201, DisasterSchema)
    def post(self, body):
        """新建灾害过程 / Open a disaster over the district or a street: its response starts"""
        area = get_or_404(Area, body["area_id"])
        if area.level not in ("district", "street") or not covers_area(grants("disasters.manage"), area):
            error(
                422,
                errors={
                    "json": {"area_id": [tr("请选择您范围内的区或街道", "Choose the district or a street of yours")]}
                },
            )
        return _view(services.open_disaster(g.identity, body))


@blp.route("/disasters/<uuid:disaster_id>")
class DisasterById(ApiView):
    @requires("disasters.view")
    @blp.etag
    @blp.response(200, DisasterSchema)
    def get(self, disaster_id: uuid.UUID):
        """一次灾害过程 / One disaster"""
        return _view(get_or_404(Disaster, disaster_id, clause=_scope()))

    @requires("disasters.manage")
    @blp.etag
    @blp.arguments(DisasterEditSchema)
    @blp.response(200, DisasterSchema)
    def patch(self, body, disaster_id: uuid.UUID):
        """结束应急响应 / End the response (If-Match): daily follow-ups are no longer owed"""
        disaster = get_or_404(Disaster, disaster_id, clause=Disaster.scope_clause(grants("disasters.manage")))
        blp.check_etag(_view(disaster), DisasterSchema)
        return _view(services.end_response(g.identity, disaster))


@blp.route("/disasters/<uuid:disaster_id>/reports")
class Reports(ApiView):
    @requires("disasters.view")
    @blp.response(200, DisasterReportSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, disaster_id: uuid.UUID):
        """灾情报表 / The communities' reports of the disaster in your scope, in the order received"""
        disaster = get_or_404(Disaster, disaster_id, clause=_scope())
        stmt = select(DisasterReport).where(DisasterReport.disaster_id == disaster.id, _report_scope())
        return _report_views(
            paginate(stmt, pagination_parameters, order_by=(DisasterReport.received_at, DisasterReport.id))
        )

    @requires("disasters.report")
    @blp.arguments(DisasterReportCreateSchema)
    @blp.response(201, DisasterReportSchema)
    @blp.alt_response(200, schema=DisasterReportSchema, success=True, description="already received under this id")
    @blp.alt_response(409, description="out of order (initial_made, initial_first, verified_made) or the id is taken")
    @blp.alt_response(422, description="explanation_required: a figure changed sharply; or not your community")
    def post(self, body, disaster_id: uuid.UUID):
        """填报灾情 / A community's first report (初报), follow-up (续报) or verified report (核报); client id"""
        disaster = get_or_404(Disaster, disaster_id, clause=_scope())
        report, created = services.submit(g.identity, disaster, body, grants("disasters.report"))
        if not created:
            answer_with(200)
        return _report_views([report])[0]


@blp.route("/disasters/<uuid:disaster_id>/totals")
class Totals(ApiView):
    @requires("disasters.view")
    @blp.arguments(TotalsQuerySchema, location="query")
    @blp.response(200, TotalsSchema)
    def get(self, query, disaster_id: uuid.UUID):
        """灾情汇总 / The figures added up for the disaster's area (or a street of it), with its parts"""
        disaster = get_or_404(Disaster, disaster_id, clause=_scope())
        area = get_or_404(Area, query.get("area_id", disaster.area_id))
        return totals.totals(disaster, area, _report_scope())


@blp.route("/disasters/<uuid:disaster_id>/ledger.xlsx")
class LedgerXlsx(ApiView):
    @requires("disasters.view")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    def get(self, disaster_id: uuid.UUID):
        """灾情台账 / Every report as an Excel workbook"""
        disaster = get_or_404(Disaster, disaster_id, clause=_scope())
        return send_bytes(
            ledger.xlsx(disaster, _report_scope()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"灾情台账-{disaster.name}.xlsx",
            attachment=True,
        )


@blp.route("/disasters/<uuid:disaster_id>/ledger.csv")
class LedgerCsv(ApiView):
    @requires("disasters.view")
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    def get(self, disaster_id: uuid.UUID):
        """灾情台账 / Every report as CSV (UTF-8 with a BOM, for Excel)"""
        disaster = get_or_404(Disaster, disaster_id, clause=_scope())
        return send_bytes(
            ledger.csv_bytes(disaster, _report_scope()),
            "text/csv; charset=utf-8",
            f"灾情台账-{disaster.name}.csv",
            attachment=True,
        )
