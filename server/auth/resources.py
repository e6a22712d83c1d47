"""Login, logout, and who am I."""
import math

from flask import g, request
from marshmallow import fields, validate

from server.auth import services
from server.auth.permissions import BEARER_DOC, current_user, login_required
from server.auth.scope import PERMISSIONS, grants
from server.core.api import ApiView, Blueprint, InputSchema, OutputSchema
from server.core.db import utcnow
from server.core.errors import error
from server.core.i18n import tr
from server.people.schemas import PASSWORD, UserSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与当前用户 / Login and the current user")


class LoginSchema(InputSchema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=64),
                          metadata={"description": "手机号或用户名 / phone number or username"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


class TokenSchema(OutputSchema):
    token = fields.String(metadata={"description": "send as `Authorization: Bearer <token>`"})
    expires_at = fields.AwareDateTime()
    user = fields.Nested(UserSchema)


class ScopeSchema(OutputSchema):
    action = fields.String()
    everywhere = fields.Boolean()
    area_paths = fields.List(fields.String())
    enterprise_ids = fields.List(fields.UUID())
    sectors = fields.List(fields.List(fields.String()))


class MeSchema(UserSchema):
    scope = fields.Method("dump_scope")

    def dump_scope(self, _user):
        return ScopeSchema(many=True).dump(
            [{"action": action, **vars(grants(action))} for action in PERMISSIONS if not grants(action).empty])


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    new_password = fields.String(required=True, validate=PASSWORD)


@blp.route("/auth/login")
class Login(ApiView):
    @blp.arguments(LoginSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="wrong login or password")
    @blp.alt_response(423, description="locked after repeated failures; Retry-After says for how long")
    def post(self, body):
        """登录 / Log in with phone number or username and password"""
        try:
            token, record, user = services.login(body["login"], body["password"], request.user_agent.string)
        except services.LoginFailed:
            error(401, tr("手机号/用户名或密码错误", "Wrong login or password"), code="login_failed")
        except services.AccountLocked as locked:
            seconds = max(1, math.ceil((locked.until - utcnow()).total_seconds()))
            minutes = math.ceil(seconds / 60)
            error(423, tr("登录失败次数过多，账户已锁定，请 {m} 分钟后再试",
                          "Too many failed logins: the account is locked for {m} more minute(s)", m=minutes),
                  headers={"Retry-After": str(seconds)})
        return {"token": token, "expires_at": record.expires_at, "user": user}


@blp.route("/auth/logout")
class Logout(ApiView):
    @login_required
    @blp.response(204)
    @blp.doc(security=BEARER_DOC)
    def post(self):
        """退出登录 / Log out: revoke this token"""
        services.revoke(g.identity.token_id)


@blp.route("/me")
class Me(ApiView):
    @login_required
    @blp.response(200, MeSchema)
    @blp.doc(security=BEARER_DOC)
    def get(self):
        """当前用户 / The current user, their roles and what they can see"""
        return current_user()


@blp.route("/me/password")
class MyPassword(ApiView):
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.doc(security=BEARER_DOC)
    def post(self, body):
        """修改密码 / Change my password; every other session is logged out"""
        user = current_user()
        if not services.check_password(user, body["current_password"]):
            error(422, tr("当前密码不正确", "The current password is wrong"),
                  errors={"json": {"current_password": [tr("当前密码不正确", "Wrong password")]}})
        user.password_hash = services.hash_password(body["new_password"])
        services.revoke_all(user, keep=g.identity.token_id)
