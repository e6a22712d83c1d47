"""双随机: the supervisor's draws, the inspectors' declared conflicts; the public list, record and verification."""

import uuid

from flask import g
from sqlalchemy import select

from server.areas.models import Area
from server.auth.permissions import login_required, requires
from server.auth.scope import grants
from server.core.api import ApiView, Blueprint, answer_with, get_or_404, paginate
from server.core.db import db
from server.draws import departures, publication, services  # noqa: F401 -- departures: its maintenance round
from server.draws.models import ConflictDeclaration, Draw
from server.draws.schemas import (
    ConflictCreateSchema,
    ConflictSchema,
    DrawCreateSchema,
    DrawRecordSchema,
    DrawRunSchema,
    DrawSchema,
    DrawSummarySchema,
    DrawVerificationSchema,
)
from server.enterprises.models import Enterprise
from server.people.models import User

blp = Blueprint("draws", __name__, url_prefix="/api/v1", description="双随机抽查 / Double-random draws")
public = Blueprint(
    "public_draws",
    __name__,
    url_prefix="/api/v1/public",
    description="抽查公示（无需登录） / Published draws, no login",
)


def _draw_scope():
    return Draw.scope_clause(grants("draws.manage"))


def _conflict_view(declaration: ConflictDeclaration) -> dict:
    return {
        "id": declaration.id,
        "user_id": declaration.user_id,
        "user_name": db.session.get(User, declaration.user_id).name,
        "enterprise_id": declaration.enterprise_id,
        "enterprise_name": db.session.get(Enterprise, declaration.enterprise_id).name,
        "reason": declaration.reason,
        "declared_at": declaration.declared_at,
    }


@blp.route("/conflicts")
class Conflicts(ApiView):
    @login_required
    @blp.response(200, ConflictSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """利害关系申报 / Declared conflicts: your own, and those with enterprises of the areas you run draws in"""
        clause = ConflictDeclaration.scope_clause(grants("draws.manage"), g.identity.user_id)
        found = paginate(
            select(ConflictDeclaration).where(clause),
            pagination_parameters,
            order_by=(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id),
        )
        return [_conflict_view(d) for d in found]

    @requires("conflicts.declare")
    @blp.arguments(ConflictCreateSchema)
    @blp.response(201, ConflictSchema)
    @blp.alt_response(200, schema=ConflictSchema, success=True, description="declared already: the stored one")
    def post(self, body):
        """申报利害关系 / Declare a tie to an enterprise: you are never drawn for its sites (回避)"""
        enterprise = get_or_404(Enterprise, body["enterprise_id"])  # any enterprise of the register may be named
        declaration, created = services.declare(g.identity.user_id, enterprise, body["reason"], body["id"])
        if not created:
            answer_with(200)
        return _conflict_view(declaration)


@blp.route("/draws")
class Draws(ApiView):
    @requires("draws.manage")
    @blp.response(200, DrawSummarySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """抽查 / Draws in your areas, the latest first"""
        found = paginate(
            select(Draw).where(_draw_scope()), pagination_parameters, order_by=(Draw.created_at.desc(), Draw.id)
        )
        return [publication.summary(d) for d in found]

    @requires("draws.manage")
    @blp.arguments(DrawCreateSchema)
    @blp.response(201, DrawSchema)
    @blp.alt_response(200, schema=DrawSchema, success=True, description="the same id again: the stored draw")
    @blp.alt_response(409, description="id_conflict: the id belongs to another draw")
    @blp.alt_response(
        422, description="no_targets, too_few_inspectors, no_eligible_inspectors (after recusals), bad fields"
    )
    def post(self, body):
        """新建抽查 / Freeze the registers of targets and inspectors and commit to the seed (its SHA-256)"""
        area = get_or_404(Area, body["area_id"], clause=Area.scope_clause(grants("draws.manage")))
        draw, created = services.create(g.identity.user_id, body, area)
        if not created:
            answer_with(200)
        return publication.detail(draw)


@blp.route("/draws/<uuid:draw_id>")
class DrawById(ApiView):
    @requires("draws.manage")
    @blp.response(200, DrawSchema)
    def get(self, draw_id: uuid.UUID):
        """一次抽查 / One draw, with its targets and inspectors once drawn"""
        return publication.detail(get_or_404(Draw, draw_id, clause=_draw_scope()))


@blp.route("/draws/<uuid:draw_id>/run")
class Run(ApiView):
    @requires("draws.manage")
    @blp.arguments(DrawRunSchema, required=False)
    @blp.response(200, DrawSchema)
    @blp.alt_response(409, description="already_drawn: drawn before with another seed or public value")
    @blp.alt_response(422, description="seed_required, seed_mismatch (not the committed seed), public_value_required")
    def post(self, body, draw_id: uuid.UUID):
        """抽取 / Reveal the seed and draw (again: the same result)"""
        draw = get_or_404(Draw, draw_id, clause=_draw_scope(), lock=True)
        services.run(draw, g.identity.user_id, body.get("seed"), body.get("public_value"))
        return publication.detail(draw)


@blp.route("/draws/<uuid:draw_id>/publish")
class Publish(ApiView):
    @requires("draws.manage")
    @blp.response(200, DrawSchema)
    @blp.alt_response(409, description="not_drawn")
    def post(self, draw_id: uuid.UUID):
        """公示 / Publish the draw: its list, registers and seed become public (again: no change)"""
        draw = get_or_404(Draw, draw_id, clause=_draw_scope(), lock=True)
        services.publish(draw, g.identity.user_id)
        return publication.detail(draw)


# ---- public: no login ------------------------------------------------------------------------------------------

_PUBLISHED = Draw.state == "published"


@public.route("/draws")
class PublicDraws(ApiView):
    @public.response(200, DrawSummarySchema(many=True))
    @public.paginate()
    def get(self, pagination_parameters):
        """公示的抽查 / Published draws, the latest first"""
        found = paginate(
            select(Draw).where(_PUBLISHED), pagination_parameters, order_by=(Draw.published_at.desc(), Draw.id)
        )
        return [publication.summary(d) for d in found]


@public.route("/draws/<uuid:draw_id>")
class PublicDraw(ApiView):
    @public.response(200, DrawSchema)
    def get(self, draw_id: uuid.UUID):
        """公示 / A published draw: its targets, the inspectors drawn, and the inspections made"""
        return publication.detail(get_or_404(Draw, draw_id, clause=_PUBLISHED))


@public.route("/draws/<uuid:draw_id>/record")
class PublicRecord(ApiView):
    @public.response(200, DrawRecordSchema)
    def get(self, draw_id: uuid.UUID):
        """抽查记录 / Everything needed to re-run a published draw: snapshots, seed, parameters, result"""
        return services.record(get_or_404(Draw, draw_id, clause=_PUBLISHED))


@public.route("/draws/<uuid:draw_id>/verify")
class PublicVerify(ApiView):
    @public.response(200, DrawVerificationSchema)
    def get(self, draw_id: uuid.UUID):
        """验证 / Re-run a published draw from its snapshots and seed, and hold it against the event chain"""
        draw = get_or_404(Draw, draw_id, clause=_PUBLISHED)
        checks = services.verify(draw)
        return {"draw_id": draw.id, "ok": all(c.ok for c in checks), "checks": checks}
