"""Incidents (突发事件信息报送): reported from the phone, forwarded by the street to the district within 30 minutes,
followed up and closed by a final report, printed as the 信息专报."""

import uuid

from flask import after_this_request, g
from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.auth.permissions import requires
from server.auth.scope import grants
from server.core.api import (
    DEVICE_TIME_DOC,
    ApiView,
    Blueprint,
    answer_with,
    device_time,
    get_or_404,
    paginate,
    replayed_step,
    send_bytes,
)
from server.core.db import db
from server.evidence import services as evidence
from server.hazards.schemas import EventSchema
from server.incidents import bulletin, classification, services, timeliness
from server.incidents.etags import etag, etag_data
from server.incidents.models import Incident
from server.incidents.schemas import (
    IncidentCreateSchema,
    IncidentQuerySchema,
    IncidentReportCreateSchema,
    IncidentSchema,
    IncidentTransitionSchema,
    IncidentTypeSchema,
    TimelinessQuerySchema,
    TimelinessSchema,
)

blp = Blueprint("incidents", __name__, url_prefix="/api/v1", description="突发事件信息报送 / Incident reports")


def _scope():
    return Incident.scope_clause(grants("incidents.view"), g.identity.user_id)


def _answer(incident: Incident) -> dict:
    """The incident as it now is, with its ETag, so that the next change needs no read first."""
    db.session.flush()
    tag = etag(incident)

    @after_this_request
    def with_etag(response):
        response.set_etag(tag)
        return response

    return services.view(incident, g.identity)


@blp.route("/incident-types")
class IncidentTypes(ApiView):
    @requires("incidents.view")
    @blp.response(200, IncidentTypeSchema(many=True))
    def get(self):
        """突发事件分类 / The national classification: the four kinds and their sub-types"""
        return list(classification.types().values())


@blp.route("/incidents")
class Incidents(ApiView):
    @requires("incidents.report")
    @blp.arguments(IncidentCreateSchema)
    @blp.response(201, IncidentSchema)
    @blp.alt_response(200, schema=IncidentSchema, success=True, description="already reported under this id")
    @blp.alt_response(409, description="the id is taken by a report with other content")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body):
        """报告突发事件 / Report an incident (client id; photos may come before or after)"""
        incident, created = services.report(g.identity, body, device_time=device_time())
        if not created:
            answer_with(200)
        return _answer(incident)

    @requires("incidents.view")
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """突发事件列表 / Incidents in your scope, newest first (a station's queue: state=received)"""
        stmt = select(Incident).where(_scope())
        if "state" in query:
            stmt = stmt.where(Incident.state == query["state"])
        if "area_id" in query:
            stmt = stmt.where(Incident.grid_id.in_(subtree_ids([get_or_404(Area, query["area_id"]).path])))
        if query.get("open") is not None:
            is_open = Incident.state != "closed"
            stmt = stmt.where(is_open if query["open"] else ~is_open)
        page = paginate(stmt, pagination_parameters, order_by=(Incident.received_at.desc(), Incident.id))
        return services.views(list(page), g.identity)


@blp.route("/incidents/timeliness")
class Timeliness(ApiView):
    @requires("incidents.timeliness")
    @blp.arguments(TimelinessQuerySchema, location="query")
    @blp.response(200, TimelinessSchema)
    def get(self, query):
        """30分钟报送 / Indicator 4: per street, the time from receipt to forwarding and the share within the target"""
        scope = Incident.scope_clause(grants("incidents.timeliness"))
        return timeliness.by_street(scope, query.get("from_"), query.get("to"))


@blp.route("/incidents/<uuid:incident_id>")
class IncidentById(ApiView):
    @requires("incidents.view")
    @blp.etag
    @blp.response(200, IncidentSchema)
    def get(self, incident_id: uuid.UUID):
        """一起突发事件 / One incident with its reports and what you may do (ETag: If-Match for a change)"""
        incident = get_or_404(Incident, incident_id, clause=_scope())
        blp.set_etag(etag_data(incident))
        return services.view(incident, g.identity)


@blp.route("/incidents/<uuid:incident_id>/transitions")
class Transitions(ApiView):
    @requires("incidents.view")
    @blp.arguments(IncidentTransitionSchema)
    @blp.response(200, IncidentSchema)
    @blp.alt_response(403, description="your roles may not take this action here")
    @blp.alt_response(409, description="not allowed from the incident's state: `errors.allowed` lists what is")
    @blp.alt_response(412, description="the incident changed since you read it: `errors.current` has its state")
    @blp.alt_response(428, description="send If-Match with the ETag you read")
    def post(self, body, incident_id: uuid.UUID):
        """推进突发事件 / Forward to the district, acknowledge, or ask for a follow-up"""
        incident = get_or_404(Incident, incident_id, clause=_scope(), lock=True)
        if not replayed_step(evidence.by_client_id(body["id"]), incident, body["action"], etag(incident)):
            services.transition(g.identity, incident, body)
        return _answer(incident)


@blp.route("/incidents/<uuid:incident_id>/reports")
class Reports(ApiView):
    @requires("incidents.view")
    @blp.arguments(IncidentReportCreateSchema)
    @blp.response(201, IncidentSchema)
    @blp.alt_response(200, schema=IncidentSchema, success=True, description="already received under this id")
    @blp.alt_response(403, description="your roles may not make this report here")
    @blp.alt_response(409, description="not allowed now (closed, not forwarded yet) or the id has other content")
    def post(self, body, incident_id: uuid.UUID):
        """续报 / 终报 / A follow-up or the final report (client id; idempotent)"""
        incident = get_or_404(Incident, incident_id, clause=_scope(), lock=True)
        _report, created = services.add_report(g.identity, incident, body)
        if not created:
            answer_with(200)
        return _answer(incident)


@blp.route("/incidents/<uuid:incident_id>/timeline")
class Timeline(ApiView):
    @requires("incidents.view")
    @blp.response(200, EventSchema(many=True))
    def get(self, incident_id: uuid.UUID):
        """突发事件时间线 / Every step of the incident, as recorded in the event chain"""
        incident = get_or_404(Incident, incident_id, clause=_scope())
        return evidence.timeline("incident", incident.id)


@blp.route("/incidents/<uuid:incident_id>/bulletin.pdf")
class BulletinPdf(ApiView):
    @requires("incidents.view")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, incident_id: uuid.UUID):
        """信息专报 / The chain of reports as an A4 PDF"""
        incident = get_or_404(Incident, incident_id, clause=_scope())
        return send_bytes(bulletin.pdf_bytes(incident), "application/pdf", f"信息专报-{bulletin.number(incident)}.pdf")
