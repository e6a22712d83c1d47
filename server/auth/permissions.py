"""Who is calling, and what each view requires of them, checked before the view does any work."""

from functools import wraps

import flask_smorest
from flask import g, request

from server.auth.scope import PERMISSIONS, grants
from server.auth.services import identity_for_token
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.people.models import User

BEARER_DOC = [{"bearerAuth": []}]


def _documented(view):
    """The view's OpenAPI operation names the bearer scheme: flask-smorest's own `doc`, which merges it with the
    view's other doc (parameters, a request body), above or below it."""
    return flask_smorest.Blueprint.doc(security=BEARER_DOC)(view)


def authenticate():
    """Resolve the bearer token into g.identity, once per request, when a view first needs it."""
    if "identity" in g:
        return g.identity
    g.identity = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        error(
            401,
            tr("Authorization 请求头应为 “Bearer <令牌>”", "The Authorization header must be “Bearer <token>”"),
            code="bad_authorization",
        )
    g.identity = identity_for_token(token.strip())
    if g.identity is None:
        error(
            401,
            tr("登录已失效，请重新登录", "Your session has expired or was revoked; log in again"),
            code="token_invalid",
        )
    return g.identity


def current_user() -> User:
    """The signed-in user as a model, loaded only by the views that need more than their scope."""
    return db.session.get(User, g.identity.user_id)


def login_required(view):
    """The view needs a login, any role; its OpenAPI operation says it takes the bearer token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if authenticate() is None:
            error(401)
        return view(*args, **kwargs)

    return _documented(wrapper)


def requires(action: str):
    """The view needs a login and a role that grants `action` somewhere; the scope narrows later. Its OpenAPI
    operation says it takes the bearer token."""
    if action not in PERMISSIONS:
        raise KeyError(action)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if authenticate() is None:
                error(401)
            if grants(action).empty:
                error(403, tr("您的角色不能执行此操作", "Your roles do not allow this"))
            return view(*args, **kwargs)

        return _documented(wrapper)

    return decorator
