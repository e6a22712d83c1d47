"""Hazards: reported from the phone, triaged and driven through the loop, each step on the record."""

import uuid

from flask import after_this_request, g
from sqlalchemy import select

from server.areas.models import Area
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
from server.core.errors import error
from server.core.i18n import tr
from server.core.time import utcnow
from server.evidence import services as evidence
from server.hazards import categories, documents, filters, services, summary
from server.hazards.etags import etag, etag_data
from server.hazards.models import Hazard, HazardCategory, HazardDocument
from server.hazards.schemas import (
    CategoryCreateSchema,
    CategoryQuerySchema,
    CategorySchema,
    CategoryUpdateSchema,
    DocumentSchema,
    EventSchema,
    HazardCreateSchema,
    HazardQuerySchema,
    HazardSchema,
    HazardSummaryQuerySchema,
    HazardSummarySchema,
    TransitionSchema,
)
from server.sites.models import Site

blp = Blueprint("hazards", __name__, url_prefix="/api/v1", description="隐患闭环 / The hazard loop")


def _scope():
    return Hazard.scope_clause(grants("hazards.view"), g.identity.user_id)


def _answer(hazard: Hazard) -> dict:
    """The hazard as changed, with its ETag, so that the phone's next change needs no read first."""
    db.session.flush()  # the version the commit will store
    tag = etag(hazard)

    @after_this_request
    def with_etag(response):
        response.set_etag(tag)
        return response

    return services.view(hazard, g.identity)


@blp.route("/hazard-categories")
class Categories(ApiView):
    @requires("hazards.view")
    @blp.etag
    @blp.arguments(CategoryQuerySchema, location="query")
    @blp.response(200, CategorySchema(many=True))
    def get(self, query):
        """隐患类别 / The hazard categories in use (all=true: the switched-off ones too, for admins)"""
        if query["all"] and grants("categories.manage").empty:
            error(403, tr("只有系统管理员能查看已停用的类别", "Only admins see the switched-off categories"))
        return categories.listed(include_inactive=query["all"])

    @requires("categories.manage")
    @blp.etag
    @blp.arguments(CategoryCreateSchema)
    @blp.response(201, CategorySchema)
    @blp.alt_response(409, description="the name or the code is taken")
    def post(self, body):
        """新增隐患类别 / Add a category: offered to reports at once"""
        return categories.create(body)


@blp.route("/hazard-categories/<string:code>")
class CategoryByCode(ApiView):
    @requires("categories.manage")
    @blp.etag
    @blp.response(200, CategorySchema)
    def get(self, code: str):
        """一个隐患类别 / One category, switched off or not"""
        return get_or_404(HazardCategory, code)

    @requires("categories.manage")
    @blp.etag
    @blp.arguments(CategoryUpdateSchema)
    @blp.response(200, CategorySchema)
    @blp.alt_response(409, description="another category has that name")
    def patch(self, body, code: str):
        """修改隐患类别 / Rename, reorder, switch off or on (If-Match: the ETag you read)"""
        category = get_or_404(HazardCategory, code, lock=True)  # checked against the version it replaces
        blp.check_etag(category, CategorySchema)
        return categories.update(category, body)


@blp.route("/hazards")
class Hazards(ApiView):
    @requires("hazards.report")
    @blp.arguments(HazardCreateSchema)
    @blp.response(201, HazardSchema)
    @blp.alt_response(200, schema=HazardSchema, success=True, description="already reported under this id")
    @blp.alt_response(409, description="the id is taken by a report with other content")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body):
        """报告隐患 / Report a hazard (client id; photos may come before or after)"""
        hazard, created = services.report(
            g.identity, body, Site.scope_clause(grants("sites.view")), device_time=device_time()
        )
        if not created:
            answer_with(200)
        return _answer(hazard)

    @requires("hazards.view")
    @blp.etag
    @blp.arguments(HazardQuerySchema, location="query")
    @blp.response(200, HazardSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """隐患列表 / Hazards in your scope, newest first (a station's triage queue: state=reported)"""
        stmt = select(Hazard).where(_scope(), *_filters(query))
        page = paginate(stmt, pagination_parameters, order_by=(Hazard.received_at.desc(), Hazard.id))
        return services.views(page, g.identity)


def _filters(query: dict) -> list:
    return filters.clauses(query, utcnow(), g.identity.user_id)


@blp.route("/hazards/<uuid:hazard_id>")
class HazardById(ApiView):
    @requires("hazards.view")
    @blp.etag
    @blp.response(200, HazardSchema)
    def get(self, hazard_id: uuid.UUID):
        """一条隐患 / One hazard, with what you may do next (ETag: send it as If-Match with a change)"""
        hazard = get_or_404(Hazard, hazard_id, clause=_scope())
        blp.set_etag(etag_data(hazard))
        return services.view(hazard, g.identity)


@blp.route("/hazards/<uuid:hazard_id>/transitions")
class Transitions(ApiView):
    @requires("hazards.view")
    @blp.arguments(TransitionSchema)
    @blp.response(200, HazardSchema)
    @blp.alt_response(409, description="not allowed from the hazard's state: `errors.allowed` lists what is")
    @blp.alt_response(412, description="the hazard changed since you read it: `errors.current` has its state")
    @blp.alt_response(428, description="send If-Match with the ETag you read")
    def post(self, body, hazard_id: uuid.UUID):
        """推进隐患 / Act on a hazard: acknowledge, reject, merge, transfer, issue a notice, rectify, close, return"""
        # Locked first: the same change sent twice at once (two instances, a phone's retry) is applied by one and
        # found by the other as a replay of it, with the hazard as it left it.
        hazard = get_or_404(Hazard, hazard_id, clause=_scope(), lock=True)
        if not replayed_step(evidence.by_client_id(body["id"]), hazard, body["action"], etag(hazard)):
            services.transition(g.identity, hazard, body)
        return _answer(hazard)


@blp.route("/hazards/<uuid:hazard_id>/timeline")
class Timeline(ApiView):
    @requires("hazards.view")
    @blp.response(200, EventSchema(many=True))
    def get(self, hazard_id: uuid.UUID):
        """隐患时间线 / Every step of the hazard, as recorded in the event chain"""
        hazard = get_or_404(Hazard, hazard_id, clause=_scope())
        return evidence.timeline("hazard", hazard.id)


@blp.route("/hazards/<uuid:hazard_id>/duplicates")
class Duplicates(ApiView):
    @requires("hazards.view")
    @blp.response(200, HazardSchema(many=True))
    def get(self, hazard_id: uuid.UUID):
        """疑似重复 / Likely duplicates: same category at the same site or within 100 m, in the last 14 days"""
        hazard = get_or_404(Hazard, hazard_id, clause=_scope())
        return services.views(services.likely_duplicates(hazard, _scope()), g.identity)


@blp.route("/hazards/<uuid:hazard_id>/documents")
class Documents(ApiView):
    @requires("hazards.view")
    @blp.response(200, DocumentSchema(many=True))
    def get(self, hazard_id: uuid.UUID):
        """隐患文书 / The hazard's numbered documents: notices, re-inspection opinions, listing notices, orders"""
        hazard = get_or_404(Hazard, hazard_id, clause=_scope())
        return db.session.scalars(
            select(HazardDocument).where(HazardDocument.hazard_id == hazard.id).order_by(HazardDocument.created_at)
        ).all()


@blp.route("/hazards/<uuid:hazard_id>/documents/<uuid:document_id>.pdf")
class DocumentPdf(ApiView):
    @requires("hazards.view")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, hazard_id: uuid.UUID, document_id: uuid.UUID):
        """下载文书 / A document as an A4 PDF, once rendered"""
        hazard = get_or_404(Hazard, hazard_id, clause=_scope())
        document = db.session.get(HazardDocument, document_id)
        if document is None or document.hazard_id != hazard.id or document.state != "ready":
            error(404, tr("文书不存在或尚未生成", "No such document, or not rendered yet"))
        return send_bytes(
            documents.pdf_bytes(document), "application/pdf", f"{document.number}.pdf", etag=document.sha256
        )


@blp.route("/hazards/summary")
class Summary(ApiView):
    @requires("hazards.summary")
    @blp.etag
    @blp.arguments(HazardSummaryQuerySchema, location="query")
    @blp.response(200, HazardSummarySchema)
    def get(self, query):
        """隐患统计概览 / For a period (by received_at), counts by state, closure rate, median times and the
        share acknowledged within 30 minutes, and how many are overdue at the period's end (or now),
        whenever received, in your scope: a total and each street"""
        area = get_or_404(Area, query["area_id"]) if "area_id" in query else None
        return summary.summarize(
            grants("hazards.summary"),
            g.identity.user_id,
            query.get("from_"),
            query.get("to"),
            area=area,
            level=query.get("level"),
        )
