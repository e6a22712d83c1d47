"""Tags and label sheets on the wire."""

from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema


class TagSchema(OutputSchema):
    serial = fields.Integer()
    code = fields.String(metadata={"description": "short enough to type; dashes and case do not matter"})
    url = fields.String(metadata={"description": "what the QR code holds"})
    site_id = fields.UUID()
    issued_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoke_reason = fields.String()


class TagQuerySchema(QuerySchema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "a typed code, or the whole URL a camera read"},
    )


class TagRevokeSchema(InputSchema):
    reason = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata={"description": "e.g. 丢失, 损坏"}
    )


class LabelRequestSchema(InputSchema):
    area_id = AreaId(metadata={"description": "every site in this street, community or grid"})
    site_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=500))

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if ("area_id" in data) == ("site_ids" in data):
            raise ValidationError("给出 area_id 或 site_ids 之一 / give either area_id or site_ids")
