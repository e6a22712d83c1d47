"""What every resource shares: base schemas, the transaction boundary, pagination and lookups."""

import io
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import wraps

import flask_smorest
import marshmallow as ma
from flask import after_this_request, current_app, has_request_context, request, send_file
from flask.views import MethodView
from sqlalchemy import bindparam, func, inspect, select
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError as NoSuchRoute

from server.core.cache import memoised
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr


def _not_json(constant):
    raise json.JSONDecodeError(f"{constant} is not valid JSON", constant, 0)


class Parser(FlaskParser):
    # webargs drops unknown query parameters by default; let each schema's Meta decide instead.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def _raw_load_json(self, req):
        """Strict JSON: no NaN or Infinity, and a body nested too deep is bad input, not a crash."""
        if not is_json_request(req):
            return webargs_core.missing
        body = req.get_data(cache=True)
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_not_json)
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(f"not UTF-8: {exc.reason}", body[:100].decode("latin-1"), exc.start) from exc
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "…", 0) from None

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        where = f"line {error.lineno} column {error.colno}" if error.doc != "…" else ""
        flask_smorest.abort(
            400,
            exc=error,
            messages={"json": [tr("JSON 格式错误：{m} {w}", "Invalid JSON: {m} {w}", m=error.msg, w=where).strip()]},
        )


MAX_PAGE = 10_000  # beyond it an offset only strains the database (SQLite cannot even hold it)


def _with_page_bound(schema: type[ma.Schema]) -> type[ma.Schema]:
    """flask-smorest's pagination parameters as documented, with MAX_PAGE (the bound `paginate` applies)."""
    page = schema._declared_fields["page"]
    return type(
        schema.__name__,
        (schema,),
        {"page": ma.fields.Integer(load_default=page.load_default, validate=ma.validate.Range(min=1, max=MAX_PAGE))},
    )


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def paginate(self, pager=None, **kwargs):
        """flask-smorest's pagination, with an upper bound on the page number, in the document too."""
        paginated = super().paginate(pager, **kwargs)

        def decorator(func):
            @wraps(func)
            def bounded(*args, pagination_parameters, **kw):
                if pagination_parameters.page > MAX_PAGE:
                    error(
                        422,
                        errors={"query": {"page": [tr("页码不能超过 {n}", "The page cannot exceed {n}", n=MAX_PAGE)]}},
                    )
                return func(*args, pagination_parameters=pagination_parameters, **kw)

            view = paginated(bounded)
            documented = view._apidoc["pagination"]["parameters"]
            documented["schema"] = _with_page_bound(documented["schema"])
            return view

        return decorator

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's arguments, with a schema class made an instance once: given a class, webargs
        makes a new instance (copying every field) on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def _is_etag_enabled(self):
        # flask-smorest finds the current Api by walking the request's blueprints, twice a request;
        # our one Api reads the app's config unprefixed, so ask the config directly.
        return not current_app.config.get("ETAG_DISABLED", False)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):  # JSON objects, and webargs' proxies of query strings
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _may_have_nul(value) -> bool:
    """False only when `value` surely holds no NUL: a JSON body is written out by the C encoder, which escapes every
    NUL as \\u0000, far faster than walking it in Python (once per nested schema). Anything else (query strings'
    proxies, values JSON cannot write, a text that merely spells a backslash and u0000) is walked."""
    if not isinstance(value, (dict, list)):
        return True
    try:
        return "\\u0000" in json.dumps(value)
    except (TypeError, ValueError):
        return True


class StrictSchema(ma.Schema):
    """Unknown fields are an error, not silently dropped; NUL characters never reach the database."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load(pass_collection=True)
    def _refuse_nul(self, data, **_kwargs):
        if _may_have_nul(data) and _has_nul(data):
            raise ma.ValidationError("不能包含 NUL 字符 / must not contain NUL characters")
        return data


NUL_FREE = "^[^\\u0000]*$"


def nul_free(converter, field: ma.fields.Field, ret: dict, **_kwargs) -> dict:
    """An apispec attribute function: what StrictSchema refuses, in the document. Every string of a body or a
    query string, but those whose format, pattern or set of values already leaves NUL out, gets a pattern."""
    types = ret.get("type")
    if "string" not in (types if isinstance(types, list) else [types]) or {"format", "pattern", "enum"} & set(ret):
        return {}
    schema = field.parent
    while isinstance(schema, ma.fields.Field):  # the string in a List is the List's
        schema = schema.parent
    return {"pattern": NUL_FREE} if isinstance(schema, StrictSchema) else {}


class InputSchema(StrictSchema):
    """Request bodies."""


class QuerySchema(StrictSchema):
    """Query strings: unknown parameters are an error too, except the pagination ones."""

    @ma.pre_load
    def _leave_pagination_to_its_own_schema(self, data, **_kwargs):
        return {k: v for k, v in data.items() if k not in ("page", "page_size")}


class AreaId(ma.fields.Integer):
    """An area id: a positive whole number that fits the database's integer."""

    def __init__(self, **kwargs):
        super().__init__(validate=ma.validate.Range(min=1, max=2**31 - 1), **kwargs)


class OutputSchema(ma.Schema):
    """Responses list their fields explicitly."""


class PhoneTimeSchema(OutputSchema):
    """A record's time as the phone recorded it, and on the server's clock (DESIGN.md, the offline contract)."""

    observed_at = ma.fields.AwareDateTime(metadata={"description": "as the phone's clock said"})
    clock_offset_s = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "how far the phone's clock was behind the server's as it sent the record (seconds; "
            "from its Device-Time header; null when it sent none)"
        },
    )
    observed_at_server = ma.fields.AwareDateTime(
        metadata={"description": "observed_at on the server's clock (observed_at + clock_offset_s, or observed_at)"}
    )


MALFORMED_ID = "safegrid.malformed_id"


class UUIDConverter(BaseConverter):
    """`<uuid:id>` that answers a malformed id with a 404 saying so, rather than a bare no-route 404.

    A value that is no UUID lets the rule go (werkzeug tries the others: `/templates/import` is a POST-only path,
    and a GET of it is the 405 it should be, not this rule's malformed id); the value is noted, and when no rule
    matches at all, the 404 says it was a malformed id (`malformed_id_404`)."""

    def to_python(self, value):
        try:
            return uuid.UUID(value)
        except ValueError:
            if has_request_context():
                request.environ.setdefault(MALFORMED_ID, value)
            raise NoSuchRoute() from None

    def to_url(self, value):
        return str(value)


def malformed_id_404(exc):
    """The 404 of a path whose id is no UUID (noted by UUIDConverter), in place of werkzeug's bare one."""
    value = request.environ.get(MALFORMED_ID)
    if isinstance(exc, NotFound) and value is not None:
        error(
            404,
            tr("标识符 “{v}” 不是有效的 UUID", "The id “{v}” is not a valid UUID", v=value[:64]),
            code="malformed_id",
        )


class RowIdConverter(IntegerConverter):
    """`<rowid:…>`: a positive whole number that fits the database's integer; larger is no such row (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def transactional(view):
    """One commit at the request boundary; services only flush (Indico web/rh.py). Then db.after_commit's hooks
    (or, on any exception, db.after_rollback's): server.jobs hands over the work the transaction recorded."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            result = view(*args, **kwargs)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                db.session.commit()
                for hook in db.after_commit:
                    hook()
            return result
        except BaseException:
            db.session.rollback()
            for hook in db.after_rollback:
                hook()
            raise

    return wrapper


class ApiView(MethodView):
    decorators = [transactional]
    # Bodies of writes are JSON (require_json_body); a view that reads another kind, such as a photo,
    # sets this to False and checks its body itself.
    json_body = True


def send_bytes(data: bytes, mimetype: str, name: str, *, etag: str | None = None, attachment: bool = False):
    """A file made for the caller (a PDF, a sheet) as the answer: named, private to them (a shared cache keeps no
    copy of what one scope sees), with its content hash as ETag where it has one."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, etag=etag, as_attachment=attachment)
    response.cache_control.private = True
    return response


def answer_with(status: int):
    """Answer with another success status than the view's main one (declared with alt_response):
    e.g. 200 when an idempotent create finds the record already stored."""

    @after_this_request
    def set_status(response):
        response.status_code = status
        return response


def replayed_step(replayed, record, action: str, current_etag: str) -> bool:
    """The offline contract for a step on a record (a hazard's, an incident's transition), checked with the record
    locked: True when the step's client id was taken before (`replayed`, its event): answer as then, add nothing (409
    if that id went with another step). Else the step must name the version it was made on: If-Match with the ETag
    read (428 without it, 412 with another, answering the current state and ETag)."""
    if replayed is not None:
        if replayed.record_id != str(record.id) or replayed.action != action:
            error(409, tr("该操作编号已用于另一项操作", "This change id belongs to another change"), code="id_conflict")
        return True
    if not request.if_match:
        error(428)
    if current_etag not in request.if_match:
        error(
            412,
            errors={"current": {"state": record.state, "version": record.version}},
            headers={"ETag": f'"{current_etag}"'},
        )
    return False


def device_time() -> datetime | None:
    """The phone's clock as it sent this request: the Device-Time header its outbox sets (RFC 3339, with a
    zone), against which the server measures how far off that clock is (DESIGN.md, the offline contract).
    None without the header; a 400 for one that is not such a time."""
    value = request.headers.get("Device-Time")
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        error(
            400,
            tr(
                "Device-Time 请求头应为带时区的时间，如 2026-11-29T09:05:00+08:00",
                "The Device-Time header must be a time with its zone, such as 2026-11-29T09:05:00+08:00",
            ),
            code="device_time_malformed",
        )
    return moment


DEVICE_TIME_DOC = {
    "in": "header",
    "name": "Device-Time",
    "required": False,
    "schema": {"type": "string", "format": "date-time"},
    "description": "the phone's clock as it sends the request (RFC 3339): "
    "the server measures the clock's offset from it",
}


JSON_METHODS = ("POST", "PUT", "PATCH")


def require_json_body():
    """Bodies of API writes are JSON; anything else is a 415 that says what was sent."""
    if request.method not in JSON_METHODS or not request.path.startswith("/api/"):
        return
    if request.content_length in (0, None) and not request.headers.get("Transfer-Encoding"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(getattr(view, "view_class", None), "json_body", True):
        return
    if not request.is_json:
        error(
            415,
            tr(
                "请求体必须是 JSON（Content-Type: application/json），收到的是 “{t}”",
                "The body must be JSON (Content-Type: application/json), not “{t}”",
                t=request.mimetype or "none",
            ),
        )


def paginate(stmt, pagination_parameters, *, order_by):
    """Run one page of a select and its total count, and hand the count to flask-smorest's header."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pagination_parameters.item_count = total
    page = stmt.order_by(*order_by).limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return db.session.scalars(page).unique().all()


@memoised
def _lookup(model, clause, options: tuple, lock: bool):
    # Built once per scope clause (themselves cached per grants): every lookup is on the hot path.
    stmt = select(model).where(inspect(model).primary_key[0] == bindparam("id")).options(*options)
    stmt = stmt if clause is None else stmt.where(clause)
    return stmt.with_for_update(of=model) if lock else stmt


def get_or_404(model, id_, *, clause=None, options: tuple = (), lock: bool = False):
    """Look one record up, within the caller's scope clause; out of scope reads as not found.

    `lock`: the row is locked until the request's commit (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers take
    turns anyway): a change to it then reads it as the writer before it left it, never an older version."""
    obj = db.session.scalars(
        _lookup(model, clause, options, lock),
        {"id": id_},
        execution_options={"populate_existing": True} if lock else {},
    ).first()
    if obj is None:
        error(404, tr("未找到该{kind}", "No such {kind_en}", kind=model.__zh_name__, kind_en=model.__name__.lower()))
    return obj


def within_scope(model, obj, clause) -> bool:
    """Whether a (flushed) record satisfies a scope clause: one rule for reads, creates and edits."""
    return db.session.scalar(select(model.id).where(model.id == obj.id, clause)) is not None
