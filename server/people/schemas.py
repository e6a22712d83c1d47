"""Users and role assignments on the wire."""

import marshmallow as ma
from marshmallow import fields, validate

from server.areas.schemas import AreaRefSchema
from server.auth.passwords import PasswordPolicy, problems as password_problems
from server.auth.scope import ROLES
from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.enterprises.models import SECTORS
from server.enterprises.schemas import EnterpriseRefSchema

PHONE = validate.Regexp(r"^1[3-9]\d{9}$", error="不是有效的手机号码 / Not a valid mainland mobile number")
USERNAME = validate.Regexp(
    r"^[a-z0-9_.-]{3,32}$", error="用户名须为 3-32 位小写字母、数字或 _.- / 3-32 lowercase letters, digits or _.-"
)
CERTIFICATE = validate.Regexp(
    r"^[0-9A-Za-z-]{4,32}$", error="执法证号须为 4-32 位字母、数字或 - / 4-32 letters, digits or -"
)
# the rules that need no account; where the account is known, auth.passwords.problems() checks them all
PASSWORD = PasswordPolicy()


class RoleAssignmentSchema(OutputSchema):
    role = fields.String()
    area = fields.Nested(AreaRefSchema, allow_none=True)
    enterprise = fields.Nested(EnterpriseRefSchema, allow_none=True)
    sector = fields.String(allow_none=True)


class UserSchema(OutputSchema):
    id = fields.UUID()
    username = fields.String()
    phone = fields.String(allow_none=True)
    name = fields.String()
    is_active = fields.Boolean()
    certificate_no = fields.String(allow_none=True, metadata={"description": "执法证号"})
    roles = fields.List(fields.Nested(RoleAssignmentSchema))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class RoleInputSchema(InputSchema):
    role = fields.String(required=True, validate=validate.OneOf(list(ROLES)))
    area_id = AreaId(allow_none=True)
    enterprise_id = fields.UUID(allow_none=True)
    sector = fields.String(allow_none=True, validate=validate.OneOf(list(SECTORS)))


class UserCreateSchema(InputSchema):
    username = fields.String(required=True, validate=USERNAME)
    phone = fields.String(allow_none=True, validate=PHONE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    certificate_no = fields.String(allow_none=True, validate=CERTIFICATE, metadata={"description": "执法证号"})
    roles = fields.List(fields.Nested(RoleInputSchema), required=True, validate=validate.Length(min=1, max=20))

    @ma.pre_load
    def _normalise(self, data, **_kwargs):
        if isinstance(data, dict) and isinstance(data.get("username"), str):
            data = {**data, "username": data["username"].strip().lower()}
        return data

    @ma.validates_schema
    def _password_is_not_the_login(self, data, **_kwargs):
        found = password_problems(data["password"], username=data["username"], phone=data.get("phone"))
        if found:
            raise ma.ValidationError(found, field_name="password")


class UserUpdateSchema(InputSchema):
    phone = fields.String(allow_none=True, validate=PHONE)
    name = fields.String(validate=validate.Length(min=1, max=50))
    is_active = fields.Boolean()
    password = fields.String(load_only=True, validate=PASSWORD)
    certificate_no = fields.String(allow_none=True, validate=CERTIFICATE, metadata={"description": "执法证号"})
    roles = fields.List(fields.Nested(RoleInputSchema), validate=validate.Length(max=20))


class UserQuerySchema(QuerySchema):
    q = fields.String(validate=validate.Length(min=1, max=50))
    role = fields.String(validate=validate.OneOf(list(ROLES)))
    area_id = AreaId()
    is_active = fields.Boolean()


class ColleagueSchema(OutputSchema):
    """Someone to pick on a form (a second signing officer, an expert to invite, a co-inspector): no more than that
    needs."""

    id = fields.UUID()
    name = fields.String()
    certificate_no = fields.String(allow_none=True, metadata={"description": "执法证号"})
    roles = fields.Method("_roles", metadata={"description": "the roles they hold (codes), to tell them apart"})

    def _roles(self, user):
        return sorted({assignment.role for assignment in user.roles})


# the roles held in an area, whose holders one may pick: a second officer, an expert, a co-inspector (协同检查人)
COLLEAGUE_ROLES = ["grid_worker", "station_officer", "enforcement_officer", "department_officer", "expert"]


class ColleagueQuerySchema(QuerySchema):
    role = fields.List(
        fields.String(validate=validate.OneOf(COLLEAGUE_ROLES)),
        required=True,
        validate=validate.Length(min=1, max=len(COLLEAGUE_ROLES)),
        metadata={"description": "one role, or several (role=a&role=b): those holding any of them"},
    )
