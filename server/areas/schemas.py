"""Areas on the wire."""

from marshmallow import fields, validate

from server.areas.models import LEVELS
from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema


class AreaSchema(OutputSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String(metadata={"description": "district | street | community | grid"})
    parent_id = AreaId(allow_none=True)
    path = fields.String(metadata={"description": "ids from the root down, e.g. /1/4/37/"})
    is_demo = fields.Boolean()


class AreaRefSchema(OutputSchema):
    """An area as other records cite it."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()


class AreaCreateSchema(InputSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z-]{1,32}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS[1:]))
    parent_id = AreaId(required=True)


class AreaUpdateSchema(InputSchema):
    code = fields.String(validate=validate.Regexp(r"^[0-9A-Za-z-]{1,32}$"))
    name = fields.String(validate=validate.Length(min=1, max=100))
    parent_id = AreaId(metadata={"description": "move the area and everything under it"})


class AreaQuerySchema(QuerySchema):
    level = fields.String(validate=validate.OneOf(LEVELS))
    parent_id = AreaId()
    within = AreaId(metadata={"description": "only areas in the subtree of this area"})
    q = fields.String(validate=validate.Length(min=1, max=50))
