"""The one error shape, {code, status, message, errors}, for every failure, logged in one place."""

import logging

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest.pagination import PaginationMetadataSchema
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from server.core.i18n import tr, translate_field_errors

log = logging.getLogger("safegrid.errors")

# Machine-readable code and default messages for each status the API answers with.
STATUS_MESSAGES = {
    400: ("bad_request", "请求格式错误", "The request is malformed"),
    401: ("unauthenticated", "请先登录", "Please log in"),
    403: ("forbidden", "没有权限执行此操作", "You may not do this"),
    404: ("not_found", "未找到", "Not found"),
    405: ("method_not_allowed", "不支持此请求方法", "Method not allowed"),
    409: ("conflict", "与现有数据冲突", "Conflicts with existing data"),
    412: ("precondition_failed", "数据已被他人修改，请刷新后重试", "The record has changed; reload it and try again"),
    413: ("payload_too_large", "请求体过大", "The request body is too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported content type"),
    422: ("validation_error", "提交的数据有误", "The submitted data is invalid"),
    423: ("account_locked", "账户已锁定", "The account is locked"),
    428: (
        "precondition_required",
        "修改需要 If-Match 请求头（先读取当前版本）",
        "Changes need an If-Match header with the version you read",
    ),
    429: ("too_many_requests", "请求过于频繁", "Too many requests"),
    500: ("internal_error", "服务器内部错误", "Internal server error"),
    503: ("unavailable", "服务暂不可用", "Service unavailable"),
}


class ErrorSchema(ma.Schema):
    """The error payload (documentation only)."""

    code = ma.fields.String(metadata={"description": "machine-readable error code, e.g. validation_error"})
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    message = ma.fields.String(metadata={"description": "what is wrong, in the client's language (zh default)"})
    errors = ma.fields.Dict(metadata={"description": "field errors, by location and field"})


def error(status: int, message: str | None = None, *, code: str | None = None, errors=None, headers=None):
    """Stop the request with the one error shape (flask-smorest's abort carries the details)."""
    data = {"message": message} if message else {}
    if code:
        data["code"] = code
    if errors is not None:
        data["errors"] = errors
    if headers:
        data["headers"] = headers
    flask_smorest.abort(status, **data)


class DomainError(Exception):
    """A request the domain refuses (业务规则拒绝): one handler answers it in the one error shape.

    A subclass says, as class attributes or per instance: the status; a stable `code` (None: the status's own, such
    as validation_error); the message in Chinese and English, its {placeholders} filled from the keyword arguments
    given to the constructor (None: the status's own); and the `field` at fault, under `location`, which repeats the
    message. It overrides `errors()` or `headers()` when its answer carries more."""

    status: int = 400
    code: str | None = None
    zh: str | None = None
    en: str | None = None
    field: str | None = None
    location: str = "json"

    def __init__(self, *args, **params):
        super().__init__(*args)
        self.params = params

    def message(self) -> str | None:
        """The message in the request's language, or None for the status's own."""
        return tr(self.zh, self.en, **self.params) if self.zh is not None else None

    def errors(self):
        """The answer's `errors`: by default the message under the field at fault, or none."""
        return {self.location: {self.field: [self.message()]}} if self.field else None

    def headers(self) -> dict:
        return {}


def error_shape(
    status: int, *, code: str | None = None, message: str | None = None, errors=None, name: str | None = None
) -> dict:
    """The one error shape; a code or message not given is the status's own."""
    name = name or HTTP_STATUS_CODES.get(status, "Unknown Error")
    default_code, zh, en = STATUS_MESSAGES.get(status, (name.lower().replace(" ", "_"), name, name))
    payload = {"code": code or default_code, "status": status, "message": message or tr(zh, en)}
    if errors is not None:
        payload["errors"] = translate_field_errors(errors)
    return payload


def error_payload(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    payload = error_shape(
        exc.code or 500,
        code=data.get("code"),
        message=data.get("message"),
        errors=data.get("errors", data.get("messages")),
        name=exc.name,
    )
    # werkzeug's own exceptions carry headers that belong to their answer: Allow on a 405, Retry-After, …
    own = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
    return payload, {**own, **(data.get("headers") or {})}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self):
        # flask-smorest sends X-Pagination as a string holding JSON, but documents an object (whose header
        # form would be "total,3,page,1"): document what is sent
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "分页信息（JSON）/ Pagination metadata, as a JSON object",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(DomainError, self.handle_domain_error)
        self._app.register_error_handler(IntegrityError, self.handle_integrity_error)
        self._app.register_error_handler(DataError, self.handle_data_error)
        self._app.register_error_handler(OperationalError, self.handle_operational_error)
        self._app.register_error_handler(StaleDataError, self.handle_stale_data)

    def handle_http_exception(self, exc):
        payload, headers = error_payload(exc)
        if payload["status"] >= 500:
            original = getattr(exc, "original_exception", None)
            log.error("%s %s -> %s", request.method, request.path, payload["status"], exc_info=original or exc)
        return payload, payload["status"], headers

    def handle_domain_error(self, exc: DomainError):
        payload = error_shape(exc.status, code=exc.code, message=exc.message(), errors=exc.errors())
        return payload, exc.status, exc.headers()

    def handle_integrity_error(self, exc):
        # A unique or foreign-key constraint caught what a check before it missed (often a race).
        log.warning("integrity error on %s %s: %s", request.method, request.path, exc.orig)
        payload = {
            "code": "conflict",
            "status": 409,
            "message": tr(
                "与现有数据冲突（可能刚被他人修改），请刷新后重试",
                "Conflicts with existing data (maybe just changed); reload and retry",
            ),
        }
        return payload, 409

    def handle_data_error(self, exc):
        # A value the database cannot hold that validation let through: still the client's input.
        log.warning("data error on %s %s: %s", request.method, request.path, exc.orig)
        payload = {
            "code": "invalid_value",
            "status": 422,
            "message": tr("提交的值超出了可保存的范围", "A submitted value cannot be stored"),
        }
        return payload, 422

    def handle_stale_data(self, exc):
        # Two writers passed the If-Match check on the same version at once; the other one's change was stored
        # first (the version column refused this one). This one was made on what is now an old version.
        log.warning("concurrent change on %s %s: %s", request.method, request.path, exc)
        payload = {
            "code": "precondition_failed",
            "status": 412,
            "message": tr("数据已被他人修改，请刷新后重试", "The record has changed; reload it and try again"),
        }
        return payload, 412

    def handle_operational_error(self, exc):
        log.error("database unavailable on %s %s", request.method, request.path, exc_info=exc)
        payload = {
            "code": "unavailable",
            "status": 503,
            "message": tr("数据库暂不可用，请稍后重试", "The database is unavailable; retry later"),
        }
        return payload, 503, {"Retry-After": "5"}
