"""Users: admins manage the people within their scope; supervisors may read them."""

import uuid

from flask import g
from sqlalchemy import or_, select

from server.areas.models import Area, subtree_ids
from server.auth import services as auth
from server.auth.permissions import login_required, requires
from server.auth.scope import grants, grants_for
from server.core.api import ApiView, Blueprint, get_or_404, paginate
from server.core.db import db
from server.core.errors import error
from server.core.i18n import tr
from server.people import services
from server.people.models import RoleAssignment, User
from server.people.schemas import (
    ColleagueQuerySchema,
    ColleagueSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="用户与角色 / Users and roles")
# a path of its own: beside /users/<uuid:…> (whose malformed ids are a 404 of their own), a PATCH to it would be one
colleagues = Blueprint(
    "colleagues", __name__, url_prefix="/api/v1/colleagues", description="同事 / Colleagues to pick on a form"
)


def _check_identity(body, exclude=None):
    taken = services.identity_taken(body.get("username"), body.get("phone"), exclude)
    if taken:
        error(
            409,
            tr(
                "该{f}已被其他用户使用",
                "That {f_en} belongs to another user",
                f={"username": "用户名", "phone": "手机号"}[taken],
                f_en=taken,
            ),
            code=f"duplicate_{taken}",
        )


def _set_roles(user, specs):
    services.replace_roles(user, specs, grants("users.manage"))


_ACCOUNT_FIELD_NAMES = {
    "phone": ("手机号", "phone number"),
    "name": ("姓名", "name"),
    "is_active": ("启用状态", "active state"),
    "password": ("密码", "password"),
    "certificate_no": ("执法证号", "certificate number"),
}


def _check_account_authority(user, body):
    """Refuse an account-wide change (password, deactivation, phone, name) unless the admin's scope covers
    every role the account holds; changing roles alone needs no more than today (only those in scope change)."""
    changes = services.account_changes(user, body)
    if changes and not services.covers_account(user, grants("users.manage")):
        error(
            403,
            tr(
                "该账户还持有您管辖范围以外的角色，{f}须由管辖其全部角色的管理员修改",
                "This account also holds roles outside your scope: its {f_en} must be changed by an admin "
                "whose scope covers all of them",
                f="、".join(_ACCOUNT_FIELD_NAMES[c][0] for c in changes),
                f_en=", ".join(_ACCOUNT_FIELD_NAMES[c][1] for c in changes),
            ),
            code="account_outside_scope",
        )


@blp.route("")
class Users(ApiView):
    @requires("users.view")
    @blp.etag
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """用户列表 / List the users in your scope"""
        stmt = select(User).where(User.scope_clause(grants("users.view")))
        if "q" in query:
            stmt = stmt.where(
                or_(
                    User.name.contains(query["q"], autoescape=True),
                    User.username.contains(query["q"].lower(), autoescape=True),
                    User.phone.startswith(query["q"], autoescape=True),
                )
            )
        if "role" in query:
            stmt = stmt.where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == query["role"])))
        if "area_id" in query:
            root = get_or_404(Area, query["area_id"])
            stmt = stmt.where(
                User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.area_id.in_(subtree_ids([root.path]))))
            )
        if "is_active" in query:
            stmt = stmt.where(User.is_active.is_(query["is_active"]))
        return paginate(stmt, pagination_parameters, order_by=(User.username,))

    @requires("users.manage")
    @blp.etag
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="the username or phone number is taken")
    def post(self, body):
        """新建用户 / Create a user with roles inside your scope"""
        _check_identity(body)
        user = User(
            username=body["username"],
            phone=body.get("phone"),
            name=body["name"],
            password_hash=auth.hash_password(body["password"]),
            certificate_no=body.get("certificate_no"),
            roles=[],
        )
        _set_roles(user, body["roles"])
        db.session.add(user)
        db.session.flush()
        return user


@colleagues.route("")
class Colleagues(ApiView):
    @login_required
    @colleagues.etag
    @colleagues.arguments(ColleagueQuerySchema, location="query")
    @colleagues.response(200, ColleagueSchema(many=True))
    @colleagues.paginate()
    def get(self, query, pagination_parameters):
        """同事 / Others holding a role where you work (to pick a second signing officer or an expert to invite)"""
        stmt = services.colleagues(query["role"], grants_for(g.identity.roles), g.identity.user_id)
        return paginate(stmt, pagination_parameters, order_by=(User.name, User.id))


@blp.route("/<uuid:user_id>")
class UserById(ApiView):
    @requires("users.view")
    @blp.etag
    @blp.response(200, UserSchema)
    def get(self, user_id: uuid.UUID):
        """一个用户 / One user"""
        return get_or_404(User, user_id, clause=User.scope_clause(grants("users.view")))

    @requires("users.manage")
    @blp.etag
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(403, description="an account-wide change to an account that also holds roles outside your scope")
    def patch(self, body, user_id: uuid.UUID):
        """修改用户 / Edit a user: roles in your scope; details, password reset, deactivation if all its roles are"""
        # locked: a user has no version column, so two edits at once on one ETag must queue for the check
        user = get_or_404(User, user_id, clause=User.scope_clause(grants("users.manage")), lock=True)
        _check_account_authority(user, body)
        blp.check_etag(user, UserSchema)
        _check_identity(body, exclude=user)
        for key in ("phone", "name", "is_active", "certificate_no"):
            if key in body:
                setattr(user, key, body[key])
        if "roles" in body:
            _set_roles(user, body["roles"])
        if "password" in body:
            if found := auth.password_problems(body["password"], user):
                error(422, errors={"json": {"password": found}})
            user.password_hash = auth.hash_password(body["password"])
            auth.forget_failures(user)
        if "password" in body or body.get("is_active") is False:
            auth.revoke_all(user)
        db.session.flush()
        return user
