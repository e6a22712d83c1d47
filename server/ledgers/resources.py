"""Ledgers (台账): the lists as spreadsheets, filtered with the lists' own parameters, within the caller's scope."""

import io
import uuid

from flask import g, request, send_file
from sqlalchemy import select

from server.auth.permissions import requires
from server.core.api import ApiView, Blueprint, get_or_404
from server.core.db import db
from server.ledgers import services
from server.ledgers.models import FORMATS, LedgerExport
from server.ledgers.schemas import ExportRequestSchema, ExportSchema
from server.ledgers.sheets import LEDGERS

blp = Blueprint("ledgers", __name__, url_prefix="/api/v1/ledgers", description="台账 / Ledgers (XLSX, CSV)")

BINARY = {"type": "string", "format": "binary"}
FILE_DOC = {
    "200": {
        "description": "a small ledger, at once: the file (XLSX, or CSV in UTF-8 with a BOM)",
        "content": {mimetype: {"schema": BINARY} for mimetype in FORMATS.values()},
    }
}


def _file(stream, fmt: str, name: str):
    response = send_file(stream, mimetype=FORMATS[fmt], download_name=name, as_attachment=True)
    response.cache_control.private = True  # the caller's scope: no shared cache keeps it
    return response


def _ledger_view(kind: str):
    ledger = LEDGERS[kind]

    class LedgerView(ApiView):
        @requires("ledgers.export")
        @blp.arguments(ledger.query_schema, location="query")
        @blp.arguments(ExportRequestSchema, required=False)  # no body: an XLSX
        @blp.response(202, ExportSchema)
        @blp.doc(responses=FILE_DOC)
        def post(self, query, body):
            answer = services.start(services.caller_of(g.identity), kind, body["format"], request.args.to_dict(), query)
            if isinstance(answer, LedgerExport):
                return services.view(answer)
            name, data = answer
            return _file(io.BytesIO(data), body["format"], name)

    LedgerView.post.__doc__ = (
        f"导出{ledger.zh} / Export the {ledger.en.lower()}: the list's filters in the query; a small one is the "
        "file itself (200), a large one a job (202) whose progress its export shows and which ends in your inbox"
    )
    LedgerView.__name__ = f"{kind.title()}Ledger"
    blp.route(f"/{kind}")(LedgerView)


for _kind in LEDGERS:
    _ledger_view(_kind)


def _own(export_id: uuid.UUID) -> LedgerExport:
    return get_or_404(LedgerExport, export_id, clause=LedgerExport.user_id == g.identity.user_id)


@blp.route("/exports")
class Exports(ApiView):
    @requires("ledgers.export")
    @blp.response(200, ExportSchema(many=True))
    def get(self):
        """我的台账导出 / Your ledger exports, newest first (the last 50)"""
        rows = db.session.scalars(
            select(LedgerExport)
            .where(LedgerExport.user_id == g.identity.user_id)
            .order_by(LedgerExport.created_at.desc(), LedgerExport.id)
            .limit(50)
        ).all()
        return [services.view(row) for row in rows]


@blp.route("/exports/<uuid:export_id>")
class ExportById(ApiView):
    @requires("ledgers.export")
    @blp.response(200, ExportSchema)
    def get(self, export_id: uuid.UUID):
        """一次导出 / One export of yours: its state and progress (rows written of those counted)"""
        return services.view(_own(export_id))


@blp.route("/exports/<uuid:export_id>/file")
class ExportFile(ApiView):
    @requires("ledgers.export")
    @blp.response(200, BINARY, content_type=FORMATS["xlsx"])
    @blp.alt_response(409, description="not built yet: its progress is at /ledgers/exports/{id}")
    def get(self, export_id: uuid.UUID):
        """下载台账 / Download a ready export of yours"""
        export = _own(export_id)
        stream, name = services.download(export)
        return _file(stream, export.format, name)
