"""Check-ins on the wire."""

from datetime import date

from marshmallow import fields, validate

from server.core.api import AreaId, InputSchema, PhoneTimeSchema, QuerySchema
from server.enterprises.schemas import EnterpriseRefSchema as SiteRefSchema  # the same {id, name} shape
from server.sites.schemas import LATITUDE, LONGITUDE


class CheckInCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "the tag's code, or the whole URL the camera read"},
    )
    observed_at = fields.AwareDateTime(required=True, metadata={"description": "the phone's clock, with its zone"})
    latitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LATITUDE)
    longitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LONGITUDE)
    accuracy_m = fields.Float(
        load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100_000)
    )


class CheckInSchema(PhoneTimeSchema):
    id = fields.UUID()
    user_id = fields.UUID()
    code = fields.String()
    site = fields.Nested(
        SiteRefSchema,
        allow_none=True,
        metadata={"description": "null when the tag is invalid or the site is outside your scope"},
    )
    received_at = fields.AwareDateTime()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    distance_m = fields.Float(
        allow_none=True,
        metadata={"description": "from the site, in metres; null without a location or a site you may see"},
    )
    flags = fields.List(
        fields.String(),
        metadata={
            "description": "far, no_location, revoked_tag, invalid_tag, "
            "retired_key, outside_scope, clock_off; a site "
            "outside your scope reads as invalid_tag"
        },
    )


class CheckInQuerySchema(QuerySchema):
    site_id = fields.UUID()
    user_id = fields.UUID()
    flagged = fields.Boolean()
    area_id = AreaId(metadata={"description": "at sites within this area (a subtree)"})
    from_ = fields.Date(
        data_key="from",
        validate=validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31)),
        metadata={"description": "received from this day, Asia/Shanghai"},
    )
    to = fields.Date(
        validate=validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31)),
        metadata={"description": "received up to this day, Asia/Shanghai, inclusive"},
    )
