"""Login, logout, who am I, and changing my own password."""

from flask import g, request
from marshmallow import fields, validate

from server.auth import services
from server.auth.permissions import current_user, login_required
from server.auth.scope import PERMISSIONS, grants
from server.core.api import ApiView, Blueprint, InputSchema, OutputSchema
from server.core.errors import error
from server.people.schemas import PASSWORD, UserSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与当前用户 / Login and the current user")


class LoginSchema(InputSchema):
    login = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "手机号或用户名 / phone number or username"},
    )
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
            [{"action": action, **vars(grants(action))} for action in PERMISSIONS if not grants(action).empty]
        )


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    new_password = fields.String(required=True, validate=PASSWORD)


@blp.route("/auth/login")
class Login(ApiView):
    @blp.arguments(LoginSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="wrong login or password, or an inactive account: one answer for all")
    @blp.alt_response(
        429,
        description="too many failed attempts from this address or at this login, the same "
        "whether the login exists or not; Retry-After says for how long",
    )
    def post(self, body):
        """登录 / Log in with phone number or username and password"""
        token, record, user = services.login(
            body["login"], body["password"], request.remote_addr, request.user_agent.string
        )
        return {"token": token, "expires_at": record.expires_at, "user": user}


@blp.route("/auth/logout")
class Logout(ApiView):
    @login_required
    @blp.response(204)
    def post(self):
        """退出登录 / Log out: revoke this token"""
        services.revoke(g.identity.token_id)


@blp.route("/me")
class Me(ApiView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self):
        """当前用户 / The current user, their roles and what they can see"""
        return current_user()


@blp.route("/me/password")
class MyPassword(ApiView):
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(429, description="too many wrong current passwords: this session is signed out")
    def post(self, body):
        """修改密码 / Change my password; every other session is logged out"""
        user = current_user()
        found = services.password_problems(body["new_password"], user)
        if found:
            error(422, errors={"json": {"new_password": found}})
        services.change_password(user, body["current_password"], body["new_password"], g.identity.token_id)
