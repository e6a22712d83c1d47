"""Inspections: checklist templates (versioned) and the inspections submitted from the phone."""

import uuid
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import String, cast, or_, select

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
    send_bytes,
)
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.evidence import services as evidence
from server.hazards.schemas import EventSchema
from server.inspections import filters, rankings, records, scorecards, services, sheets, templates
from server.inspections.models import Inspection, InspectionTemplate, Summons
from server.inspections.refusals import Refused
from server.inspections.schemas import (
    ConfirmSchema,
    CorrectionSchema,
    InspectionCreateSchema,
    InspectionQuerySchema,
    InspectionSchema,
    RankingHistoryQuerySchema,
    RankingQuerySchema,
    RankingSchema,
    RecordQuerySchema,
    RevisionSchema,
    ScorecardQuerySchema,
    ScorecardsSchema,
    SheetFormSchema,
    SheetImportQuerySchema,
    SummonsQuerySchema,
    SummonsSchema,
    TemplateCreateSchema,
    TemplateEditSchema,
    TemplateQuerySchema,
    TemplateSchema,
    UnitMonthSchema,
)
from server.sites.models import Site

blp = Blueprint("inspections", __name__, url_prefix="/api/v1", description="检查表与检查 / Checklists and inspections")


def _template_scope():
    return InspectionTemplate.scope_clause(grants("inspections.view"), grants("templates.manage"))


def _manageable(template_id) -> InspectionTemplate:
    """A template the caller may edit, locked; one they may only read answers 403, one they may not see 404."""
    template = get_or_404(InspectionTemplate, template_id, clause=_template_scope(), lock=True)
    manage = InspectionTemplate.manage_clause(grants("templates.manage"))
    if db.session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.id == template.id, manage)) is None:
        raise Refused(403, "template_outside_scope", None, "没有权限修改该检查表", "You may not edit this checklist")
    return template


def _inspection_scope():
    return Inspection.scope_clause(grants("inspections.view"), g.identity.user_id)


def _site_scope():
    return Site.scope_clause(grants("sites.view"))


@blp.route("/inspection-templates")
class Templates(ApiView):
    @requires("inspections.view")
    @blp.etag
    @blp.arguments(TemplateQuerySchema, location="query")
    @blp.response(200, TemplateSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """检查表 / Checklist versions: published and archived ones, and the drafts you may edit"""
        stmt = select(InspectionTemplate).where(_template_scope())
        for name in ("kind", "state", "family_id"):
            if name in query:
                stmt = stmt.where(getattr(InspectionTemplate, name) == query[name])
        if "site_type" in query:  # one of SITE_TYPES' codes, quoted as JSON writes it: no other code matches
            types = cast(InspectionTemplate.site_types, String)
            stmt = stmt.where(or_(types == "[]", types.like(f'%"{query["site_type"]}"%')))
        found = paginate(
            stmt, pagination_parameters, order_by=(InspectionTemplate.name, InspectionTemplate.number.desc())
        )
        return [templates.template_view(t) for t in found]

    @requires("templates.manage")
    @blp.arguments(TemplateCreateSchema)
    @blp.response(201, TemplateSchema)
    def post(self, body):
        """新建检查表 / A new checklist, as the draft of its first version"""
        return templates.template_view(templates.create_template(g.identity, body, grants("templates.manage")))


@blp.route("/inspection-templates/<uuid:template_id>")
class TemplateById(ApiView):
    @requires("inspections.view")
    @blp.etag
    @blp.response(200, TemplateSchema)
    def get(self, template_id: uuid.UUID):
        """一个检查表版本 / One checklist version, with its sections and items"""
        return templates.template_view(get_or_404(InspectionTemplate, template_id, clause=_template_scope()))

    @requires("templates.manage")
    @blp.etag
    @blp.arguments(TemplateEditSchema)
    @blp.response(200, TemplateSchema)
    @blp.alt_response(201, schema=TemplateSchema, success=True, description="a published version: its next draft")
    @blp.alt_response(409, description="archived, or the next version's draft exists already")
    def patch(self, body, template_id: uuid.UUID):
        """修改检查表 / Change a draft; a change to a published version makes the next version's draft"""
        template = _manageable(template_id)
        blp.check_etag(templates.template_view(template), TemplateSchema)
        changed, created = templates.edit_template(g.identity, template, body, grants("templates.manage"))
        if created:
            answer_with(201)
        return templates.template_view(changed)


def _family_latest(family_id) -> InspectionTemplate:
    """The latest version of a family the caller sees, which they must also be allowed to edit."""
    latest = db.session.scalars(
        select(InspectionTemplate)
        .where(InspectionTemplate.family_id == family_id, _template_scope())
        .order_by(InspectionTemplate.number.desc())
    ).first()
    if latest is None:
        error(
            404, tr("没有这个检查表", "No such checklist"), errors={"query": {"family_id": [tr("不存在", "not found")]}}
        )
    return _manageable(latest.id)


def sheet_body(view):
    """The body is an XLSX workbook of up to TEMPLATE_SHEET_MAX_BYTES (not the JSON limit): set before it is read."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.max_content_length = current_app.config["TEMPLATE_SHEET_MAX_BYTES"]
        return view(*args, **kwargs)

    return wrapper


@blp.route("/inspection-templates/<uuid:template_id>.xlsx")
class TemplateSheet(ApiView):
    @requires("templates.manage")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=sheets.MIME)
    def get(self, template_id: uuid.UUID):
        """导出 Excel / A checklist version as an XLSX sheet, one row an item (to edit and import again)"""
        template = get_or_404(InspectionTemplate, template_id, clause=_template_scope())
        data = sheets.workbook(templates.template_view(template), templates.category_names(active_only=False))
        name = f"{sheets.file_name(template.name)}（第{template.number}版）.xlsx"
        return send_bytes(data, sheets.MIME, name, attachment=True)


@blp.route("/inspection-templates/import")
class TemplateImport(ApiView):
    json_body = False

    @requires("templates.manage")
    @sheet_body
    @blp.arguments(SheetImportQuerySchema, location="query")
    @blp.arguments(SheetFormSchema, location="files")
    @blp.response(201, TemplateSchema)
    @blp.alt_response(409, description="draft_exists: the family has a draft of its next version already")
    @blp.alt_response(413, description="larger than TEMPLATE_SHEET_MAX_BYTES")
    @blp.alt_response(
        422,
        description="sheet_invalid: `errors.rows.<row>.<column>` names each bad cell; not_xlsx, sheet_unreadable, "
        "sheet_too_large: the file (`errors.json.file`)",
    )
    def post(self, query, form):
        """导入 Excel / An XLSX sheet as a new checklist's draft, or (family_id) as a checklist's next version"""
        latest = _family_latest(query["family_id"]) if "family_id" in query else None
        body = sheets.read(form["file"].read(), templates.category_names(active_only=True))
        manage = grants("templates.manage")
        if latest is None:
            made = templates.create_template(g.identity, body, manage)
        else:
            made = templates.import_version(g.identity, latest, body, manage)
        return templates.template_view(made)


@blp.route("/inspection-templates/<uuid:template_id>/publish")
class Publish(ApiView):
    @requires("templates.manage")
    @blp.response(200, TemplateSchema)
    def post(self, template_id: uuid.UUID):
        """发布 / Publish a draft; the version published before it is archived (inspections on it still submit)"""
        template = _manageable(template_id)
        templates.publish(g.identity, template)
        return templates.template_view(template)


@blp.route("/inspection-templates/<uuid:template_id>/archive")
class Archive(ApiView):
    @requires("templates.manage")
    @blp.response(200, TemplateSchema)
    def post(self, template_id: uuid.UUID):
        """归档 / Archive a published version: no new inspection starts on it"""
        template = _manageable(template_id)
        templates.archive(g.identity, template)
        return templates.template_view(template)


@blp.route("/inspections")
class Inspections(ApiView):
    @requires("inspections.submit")
    @blp.arguments(InspectionCreateSchema)
    @blp.response(201, InspectionSchema)
    @blp.alt_response(200, schema=InspectionSchema, success=True, description="already submitted under this id")
    @blp.alt_response(409, description="the id is taken by an inspection with other content")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body):
        """提交检查 / Submit an inspection (client id): scored by the server, failed items made hazards"""
        # The events last, after the answer is made: the chain's lock is held from the first until the commit
        with evidence.appended_together():
            _inspection, created, view = services.submit(g.identity, body, _site_scope(), device_time=device_time())
        if not created:
            answer_with(200)
        return view

    @requires("inspections.view")
    @blp.etag
    @blp.arguments(InspectionQuerySchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """检查记录 / Inspections in your scope and your own, newest first"""
        stmt = select(Inspection).where(_inspection_scope(), *filters.clauses(query))
        page = paginate(stmt, pagination_parameters, order_by=(Inspection.received_at.desc(), Inspection.id))
        return services.views(page, g.identity)


@blp.route("/inspections/<uuid:inspection_id>")
class InspectionById(ApiView):
    @requires("inspections.view")
    @blp.etag
    @blp.response(200, InspectionSchema)
    def get(self, inspection_id: uuid.UUID):
        """一次检查 / One inspection: answers, the server's score and how it was reached, its hazards"""
        return services.views([get_or_404(Inspection, inspection_id, clause=_inspection_scope())], g.identity)[0]


@blp.route("/inspections/<uuid:inspection_id>/corrections")
class Corrections(ApiView):
    @requires("inspections.submit")
    @blp.arguments(CorrectionSchema)
    @blp.response(201, InspectionSchema)
    @blp.alt_response(200, schema=InspectionSchema, success=True, description="this correction was made already")
    @blp.alt_response(412, description="`based_on` is not the current revision: `errors.current` says which is")
    @blp.doc(parameters=[DEVICE_TIME_DOC])
    def post(self, body, inspection_id: uuid.UUID):
        """更正检查 / Correct the answers: a new revision, scored again; the earlier ones stay on record"""
        inspection = get_or_404(Inspection, inspection_id, clause=_inspection_scope(), lock=True)
        with evidence.appended_together():  # as a submission's
            _revision, created = services.correct(
                g.identity, inspection, body, _site_scope(), device_time=device_time()
            )
            view = services.views([inspection], g.identity)[0]
        if not created:
            answer_with(200)
        return view


@blp.route("/inspections/<uuid:inspection_id>/revisions")
class Revisions(ApiView):
    @requires("inspections.view")
    @blp.response(200, RevisionSchema(many=True))
    def get(self, inspection_id: uuid.UUID):
        """检查记录的各版本 / Every revision: the submission, then each correction with its reason"""
        return services.revisions_of(get_or_404(Inspection, inspection_id, clause=_inspection_scope()))


@blp.route("/inspections/<uuid:inspection_id>/record.pdf")
class RecordPdf(ApiView):
    @requires("inspections.view")
    @blp.arguments(RecordQuerySchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, query, inspection_id: uuid.UUID):
        """检查记录（PDF） / The inspection record as an A4 PDF: the current revision's, or `revision`'s (put on paper
        when first asked for, so that first answer takes a moment)"""
        inspection = get_or_404(Inspection, inspection_id, clause=_inspection_scope())
        record = records.current(inspection, query.get("revision"))
        if record is None:
            error(404, tr("该版本的检查记录不存在", "No record of that revision"))
        record = records.ready(record)
        name = f"检查记录-{records.number(record)}.pdf"
        return send_bytes(records.pdf_bytes(record), "application/pdf", name, etag=record.sha256)


@blp.route("/inspections/<uuid:inspection_id>/timeline")
class Timeline(ApiView):
    @requires("inspections.view")
    @blp.response(200, EventSchema(many=True))
    def get(self, inspection_id: uuid.UUID):
        """检查的记录 / The inspection's events on the chain: its submission and corrections"""
        inspection = get_or_404(Inspection, inspection_id, clause=_inspection_scope())
        return evidence.timeline("inspection", inspection.id)


@blp.route("/inspection-rankings")
class Rankings(ApiView):
    @requires("inspections.view")
    @blp.etag
    @blp.arguments(RankingQuerySchema, location="query")
    @blp.response(200, RankingSchema)
    def get(self, query):
        """月度排名 / A checklist's monthly ranking of the units it assesses, with the 约谈 flags (bottom group two
        months running); every unit is ranked, those in your scope are listed"""
        return rankings.month_ranking(
            _ranked_checklist(query["family_id"]),
            query["month"],
            Site.scope_clause(grants("sites.view")),
            bottom=query.get("bottom"),
            share=query.get("bottom_share"),
        )


@blp.route("/inspection-rankings/history")
class RankingHistory(ApiView):
    @requires("inspections.view")
    @blp.etag
    @blp.arguments(RankingHistoryQuerySchema, location="query")
    @blp.response(200, UnitMonthSchema(many=True))
    def get(self, query):
        """单位考核历史 / One unit's months on a checklist, oldest first: score, rank, bottom group, 约谈"""
        template = _ranked_checklist(query["family_id"])
        get_or_404(Site, query["site_id"], clause=Site.scope_clause(grants("sites.view")))
        return rankings.history(
            template,
            query["site_id"],
            query["month"],
            query["months"],
            bottom=query.get("bottom"),
            share=query.get("bottom_share"),
        )


def _ranked_checklist(family_id) -> InspectionTemplate:
    template = rankings.latest_version(family_id)
    if template is None:
        error(404, tr("未找到该检查表", "No such checklist"))
    return template


@blp.route("/summonses")
class Summonses(ApiView):
    @requires("rankings.confirm")
    @blp.arguments(ConfirmSchema)
    @blp.response(200, SummonsSchema(many=True))
    def post(self, body):
        """确认月度排名 / Confirm a checklist's month: each unit in the bottom group two months running is put on
        record for 约谈 (once; confirming again adds only what is new); answers the month's summonses you may see"""
        template = _ranked_checklist(body["family_id"])
        confirm_clause = InspectionTemplate.manage_clause(grants("rankings.confirm"))
        owned = select(InspectionTemplate.id).where(InspectionTemplate.id == template.id, confirm_clause)
        if db.session.scalar(owned) is None:
            error(403, tr("只能确认本行业的考核排名", "You may confirm your own sector's rankings only"))
        rankings.confirm(
            template, body["month"], g.identity.user_id, bottom=body.get("bottom"), share=body.get("bottom_share")
        )
        month = f"{body['month'].year:04d}-{body['month'].month:02d}"
        confirmed = db.session.scalars(
            select(Summons)
            .where(Summons.family_id == template.family_id, Summons.month == month, _summons_scope())
            .order_by(Summons.rank.desc(), Summons.site_id)
        ).all()
        return rankings.described(confirmed, g.identity.user_id)

    @requires("inspections.view")
    @blp.etag
    @blp.arguments(SummonsQuerySchema, location="query")
    @blp.response(200, SummonsSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """约谈 / The units put on record for 约谈 in your scope, newest month first"""
        stmt = select(Summons).where(_summons_scope())
        for name in ("family_id", "month"):
            if name in query:
                stmt = stmt.where(getattr(Summons, name) == query[name])
        page = paginate(stmt, pagination_parameters, order_by=(Summons.month.desc(), Summons.rank.desc(), Summons.id))
        return rankings.described(page, g.identity.user_id)


def _summons_scope():
    return Summons.scope_clause(grants("inspections.view"))


# ---- the two-monthly scorecards (双月考核) ----------------------------------------------------------------------


@blp.route("/scorecards")
class Scorecards(ApiView):
    @requires("scorecards.view")
    @blp.etag
    @blp.arguments(ScorecardQuerySchema, location="query")
    @blp.response(200, ScorecardsSchema)
    def get(self, query):
        """双月考核 / The streets' or the departments' two-monthly scorecards: each line's raw numbers, weight and
        points, every unit ranked (ties share a rank), those in your scope listed"""
        return scorecards.scorecards(query["level"], query.get("period"), grants("scorecards.view"))


@blp.route("/scorecards.xlsx")
class ScorecardSheet(ApiView):
    @requires("scorecards.view")
    @blp.arguments(ScorecardQuerySchema, location="query")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=sheets.MIME)
    def get(self, query):
        """导出双月考核 / The same scorecards as an XLSX workbook: a summary, and each line with its raw numbers"""
        cards = scorecards.scorecards(query["level"], query.get("period"), grants("scorecards.view"))
        name = f"双月考核_{scorecards.LEVELS[cards['level']][0]}_{cards['period']}.xlsx"
        return send_bytes(scorecards.workbook(cards), sheets.MIME, name, attachment=True)
