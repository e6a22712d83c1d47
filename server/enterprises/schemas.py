"""Enterprises on the wire."""

import marshmallow as ma
from marshmallow import fields, validate

from server.areas.schemas import AreaRefSchema
from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.enterprises import uscc
from server.enterprises.models import SECTORS


class EnterpriseRefSchema(OutputSchema):
    """An enterprise as other records cite it."""

    id = fields.UUID()
    name = fields.String()


def _valid_uscc(value):
    problem = uscc.problem(value)
    if problem:
        raise ma.ValidationError(problem)


class ContactSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    title = fields.String(
        load_default="", validate=validate.Length(max=50), metadata={"description": "e.g. 安全负责人, 法定代表人"}
    )
    phone = fields.String(required=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))


class EnterpriseSchema(OutputSchema):
    id = fields.UUID()
    name = fields.String()
    uscc = fields.String(metadata={"description": "统一社会信用代码"})
    sector = fields.String()
    supervising_department = fields.String()
    above_designated_size = fields.Boolean()
    address = fields.String()
    area = fields.Nested(AreaRefSchema)
    contacts = fields.List(fields.Nested(ContactSchema))
    is_demo = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class _UsccUppercase(InputSchema):
    @ma.pre_load
    def _upper_uscc(self, data, **_kwargs):
        if isinstance(data, dict) and isinstance(data.get("uscc"), str):
            data = {**data, "uscc": data["uscc"].strip().upper()}
        return data


class EnterpriseCreateSchema(_UsccUppercase):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.String(required=True, validate=_valid_uscc)
    sector = fields.String(required=True, validate=validate.OneOf(list(SECTORS)))
    supervising_department = fields.String(
        validate=validate.Length(min=1, max=100), metadata={"description": "defaults to the sector's department"}
    )
    above_designated_size = fields.Boolean(load_default=False)
    address = fields.String(load_default="", validate=validate.Length(max=300))
    area_id = AreaId(required=True)
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list, validate=validate.Length(max=20))


class EnterpriseUpdateSchema(_UsccUppercase):
    name = fields.String(validate=validate.Length(min=1, max=200))
    uscc = fields.String(validate=_valid_uscc)
    sector = fields.String(validate=validate.OneOf(list(SECTORS)))
    supervising_department = fields.String(validate=validate.Length(min=1, max=100))
    above_designated_size = fields.Boolean()
    address = fields.String(validate=validate.Length(max=300))
    area_id = AreaId()
    contacts = fields.List(fields.Nested(ContactSchema), validate=validate.Length(max=20))


class EnterpriseQuerySchema(QuerySchema):
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "name or USCC contains"})
    sector = fields.String(validate=validate.OneOf(list(SECTORS)))
    area_id = AreaId(metadata={"description": "registered in this area's subtree"})
    above_designated_size = fields.Boolean()
