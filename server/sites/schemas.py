"""Sites on the wire."""

from marshmallow import fields, validate

from server.areas.schemas import AreaRefSchema
from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.enterprises.schemas import EnterpriseRefSchema
from server.sites.models import RISK_LEVELS, SITE_TYPES

LATITUDE = validate.Range(min=-90, max=90)
LONGITUDE = validate.Range(min=-180, max=180)


class SiteEnterpriseSchema(EnterpriseRefSchema):
    """A site's enterprise with its sector (行业): a checklist for sectors applies to the site by it."""

    sector = fields.String()


class SiteSchema(OutputSchema):
    id = fields.UUID()
    name = fields.String()
    type = fields.String()
    enterprise = fields.Nested(SiteEnterpriseSchema, allow_none=True)
    address = fields.String()
    latitude = fields.Float(metadata={"description": "WGS-84"})
    longitude = fields.Float(metadata={"description": "WGS-84"})
    grid = fields.Nested(AreaRefSchema)
    risk_level = fields.String()
    is_demo = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class SiteCreateSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(list(SITE_TYPES)))
    enterprise_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "none for public places: fire lanes, culverts…"}
    )
    address = fields.String(load_default="", validate=validate.Length(max=300))
    latitude = fields.Float(required=True, allow_nan=False, validate=LATITUDE, metadata={"description": "WGS-84"})
    longitude = fields.Float(required=True, allow_nan=False, validate=LONGITUDE, metadata={"description": "WGS-84"})
    grid_id = AreaId(required=True)
    risk_level = fields.String(load_default="general", validate=validate.OneOf(list(RISK_LEVELS)))


class SiteUpdateSchema(InputSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))
    enterprise_id = fields.UUID(allow_none=True)
    address = fields.String(validate=validate.Length(max=300))
    latitude = fields.Float(allow_nan=False, validate=LATITUDE)
    longitude = fields.Float(allow_nan=False, validate=LONGITUDE)
    grid_id = AreaId()
    risk_level = fields.String(validate=validate.OneOf(list(RISK_LEVELS)))


class SiteQuerySchema(QuerySchema):
    type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))
    area_id = AreaId(metadata={"description": "sites in this area's subtree"})
    enterprise_id = fields.UUID()
    risk_level = fields.String(validate=validate.OneOf(list(RISK_LEVELS)))
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "name or address contains"})
