"""What every resource shares: base schemas, the transaction boundary, pagination and lookups."""
import uuid
from functools import wraps

import marshmallow as ma
from flask import request
from flask.views import MethodView
from sqlalchemy import func, select
from werkzeug.routing import BaseConverter

from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr


class InputSchema(ma.Schema):
    """Request bodies: unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(ma.Schema):
    """Query strings: unknown parameters are an error too, except the pagination ones."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _leave_pagination_to_its_own_schema(self, data, **_kwargs):
        return {k: v for k, v in data.items() if k not in ("page", "page_size")}


class OutputSchema(ma.Schema):
    """Responses list their fields explicitly."""


class UUIDConverter(BaseConverter):
    """`<uuid:id>` that answers a malformed id with a 404 saying so, rather than a bare no-route 404."""

    def to_python(self, value):
        try:
            return uuid.UUID(value)
        except ValueError:
            error(404, tr("标识符 “{v}” 不是有效的 UUID", "The id “{v}” is not a valid UUID", v=value[:64]),
                  code="malformed_id")

    def to_url(self, value):
        return str(value)


def transactional(view):
    """One commit at the request boundary; services only flush (Indico web/rh.py)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            result = view(*args, **kwargs)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapper


class ApiView(MethodView):
    decorators = [transactional]


JSON_METHODS = ("POST", "PUT", "PATCH")


def require_json_body():
    """Bodies of API writes are JSON; anything else is a 415 that says what was sent."""
    if request.method not in JSON_METHODS or not request.path.startswith("/api/"):
        return
    if request.content_length in (0, None) and not request.headers.get("Transfer-Encoding"):
        return
    if not request.is_json:
        error(415, tr("请求体必须是 JSON（Content-Type: application/json），收到的是 “{t}”",
                      "The body must be JSON (Content-Type: application/json), not “{t}”",
                      t=request.mimetype or "none"))


def paginate(stmt, pagination_parameters, *, order_by):
    """Run one page of a select and its total count, and hand the count to flask-smorest's header."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pagination_parameters.item_count = total
    page = (stmt.order_by(*order_by)
            .limit(pagination_parameters.page_size)
            .offset(pagination_parameters.first_item))
    return db.session.scalars(page).unique().all()


def get_or_404(model, id_, *, clause=None):
    """Look one record up, within the caller's scope clause; out of scope reads as not found."""
    stmt = select(model).where(model.id == id_)
    if clause is not None:
        stmt = stmt.where(clause)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        error(404, tr("未找到该{kind}", "No such {kind_en}", kind=model.__zh_name__, kind_en=model.__name__.lower()))
    return obj


def within_scope(model, obj, clause) -> bool:
    """Whether a (flushed) record satisfies a scope clause: one rule for reads, creates and edits."""
    return db.session.scalar(select(model.id).where(model.id == obj.id, clause)) is not None
