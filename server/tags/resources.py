"""Site tags: issue and revoke (stations), resolve a scanned or typed code, print label sheets."""

import io
import uuid
from urllib.parse import quote

from flask import Blueprint as FlaskBlueprint, g, redirect, send_file
from marshmallow import fields
from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.auth.permissions import requires
from server.auth.scope import grants
from server.core.api import ApiView, Blueprint, OutputSchema, get_or_404
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.sites import services as sites
from server.sites.models import Site
from server.sites.schemas import SiteSchema
from server.tags import services
from server.tags.models import SiteTag
from server.tags.schemas import LabelRequestSchema, TagQuerySchema, TagRevokeSchema, TagSchema

blp = Blueprint("tags", __name__, url_prefix="/api/v1", description="场所二维码 / Site tags")
scan = FlaskBlueprint("scan", __name__)

# why a code does not lead to a site → (status, code, Chinese, English)
PROBLEMS = {
    "malformed": (404, "invalid_tag", "这不是江汉安全网格的场所码", "This is not a SafeGrid site code"),
    "bad_signature": (
        404,
        "invalid_tag",
        "场所码校验失败：请核对是否输错",
        "The code does not check out: was it mistyped?",
    ),
    # also the answer for a real tag (live or revoked) whose site is outside the caller's scope
    "unknown_tag": (
        404,
        "invalid_tag",
        "没有这个场所码，或它不在您的负责范围内",
        "No such site code, or its site is outside your scope",
    ),
    "unknown_key": (
        404,
        "retired_key",
        "该场所码的密钥已停用，请联系安监站换发",
        "This code's key is retired: ask the station for a new tag",
    ),
    "revoked": (
        410,
        "revoked_tag",
        "该场所码已作废，请联系安监站换发",
        "This tag was revoked: ask the station for a new one",
    ),
}


class ResolvedTagSchema(OutputSchema):
    tag = fields.Nested(TagSchema)
    site = fields.Nested(SiteSchema)


def _tag_view(tag: SiteTag) -> dict:
    return {
        **{k: getattr(tag, k) for k in ("serial", "code", "site_id", "issued_at", "revoked_at", "revoke_reason")},
        "url": services.url_of(tag),
    }


def _site_to_manage(site_id: uuid.UUID) -> Site:
    site = get_or_404(Site, site_id, clause=Site.scope_clause(grants("sites.view")))
    if sites.site_view(site_id, Site.scope_clause(grants("sites.manage"))) is None:
        error(403, tr("您只能查看该场所，不能管理它的标签", "You may view this site but not manage its tag"))
    return site


def _tag_to_manage(serial: int, *, lock: bool = False) -> SiteTag:
    # Serials are sequential: a tag of a site you may not manage answers exactly as one never issued.
    return get_or_404(SiteTag, serial, clause=SiteTag.scope_clause(grants("sites.manage")), lock=lock)


@blp.route("/sites/<uuid:site_id>/tag")
class SiteTagView(ApiView):
    @requires("sites.view")
    @blp.etag
    @blp.response(200, TagSchema)
    def get(self, site_id: uuid.UUID):
        """场所当前标签 / The site's live tag"""
        get_or_404(Site, site_id, clause=Site.scope_clause(grants("sites.view")))
        tag = services.live_tag(site_id)
        if tag is None:
            error(404, tr("该场所还没有标签", "This site has no tag yet"), code="no_tag")
        return _tag_view(tag)

    @requires("sites.manage")
    @blp.response(201, TagSchema)
    def post(self, site_id: uuid.UUID):
        """发放或换发标签 / Issue a tag for the site; a live one is revoked ("reissued")"""
        _site_to_manage(site_id)
        return _tag_view(services.issue(site_id, g.identity.user_id))


@blp.route("/tags/<rowid:serial>")
class TagBySerial(ApiView):
    @requires("sites.manage")
    @blp.etag
    @blp.response(200, TagSchema)
    def get(self, serial: int):
        """一个标签 / One tag, live or revoked, of a site you manage"""
        return _tag_view(_tag_to_manage(serial))

    @requires("sites.manage")
    @blp.etag
    @blp.arguments(TagRevokeSchema)
    @blp.response(200, TagSchema)
    def delete(self, body, serial: int):
        """作废标签 / Revoke a tag (lost, damaged); its code stops leading to the site"""
        tag = _tag_to_manage(serial, lock=True)  # checked against the version it replaces (see sites' PATCH)
        blp.check_etag(_tag_view(tag), TagSchema)
        if tag.revoked_at is None:
            services.revoke(tag, g.identity.user_id, body["reason"])
        return _tag_view(tag)


@blp.route("/tags/resolve")
class ResolveTag(ApiView):
    @requires("sites.view")
    @blp.arguments(TagQuerySchema, location="query")
    @blp.response(200, ResolvedTagSchema)
    @blp.alt_response(404, description="not a valid code, or its site is outside your scope (alike)")
    @blp.alt_response(410, description="the tag of a site in your scope was revoked")
    def get(self, query):
        """扫码或输入场所码 / Resolve a scanned URL or a typed code to its site"""
        resolution = services.resolve(query["code"])
        problem, site = resolution.problem, None
        if resolution.tag is not None:
            site = sites.site_view(resolution.tag.site_id, Site.scope_clause(grants("sites.view")))
            if site is None:  # out of scope a tag reads as unknown, whether live or revoked
                problem = "unknown_tag"
        if problem:
            status, error_code, zh, en = PROBLEMS[problem]
            error(status, tr(zh, en), code=error_code)
        return {"tag": _tag_view(resolution.tag), "site": site}


@blp.route("/labels")
class Labels(ApiView):
    @requires("sites.manage")
    @blp.arguments(LabelRequestSchema)
    @blp.response(
        200, content_type="application/pdf", description="A4 label sheets; sites without a tag get one issued first"
    )
    def post(self, body):
        """打印场所码标签 / Label sheets (A4 PDF) for an area or a list of sites in your scope"""
        stmt = select(Site).where(Site.scope_clause(grants("sites.manage"))).order_by(Site.grid_id, Site.name)
        if "area_id" in body:
            area = get_or_404(Area, body["area_id"])
            stmt = stmt.where(Site.grid_id.in_(subtree_ids([area.path])))
            title = area.name
        else:
            stmt = stmt.where(Site.id.in_(body["site_ids"]))
            title = None
        chosen = db.session.scalars(stmt).all()
        if not chosen:
            error(404, tr("没有可打印的场所", "No sites of yours to print"))
        pdf = services.label_sheet(chosen, g.identity.user_id, title=title)
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name="safegrid-labels.pdf")


@scan.route("/s/<path:code>")
@scan.route("/S/<path:code>")
def scanned(code):
    # The phone's own camera opens this URL: hand the code to the field app, which resolves it.
    return redirect(f"/?tag={quote(code, safe='-')}")
