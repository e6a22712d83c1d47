"""The delta feed on the wire."""

from marshmallow import fields, validate

from server.core.api import OutputSchema, QuerySchema


class FeedQuerySchema(QuerySchema):
    cursor = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the cursor the last page returned; leave it out to start over"},
    )
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class ChangeSchema(OutputSchema):
    kind = fields.String(metadata={"description": "site, hazard or template (a checklist version)"})
    id = fields.UUID()
    etag = fields.String(allow_none=True, metadata={"description": "a hazard's version: send it as If-Match"})
    data = fields.Dict(
        metadata={
            "description": "the record as its own GET shows it; a site also has `tag_code`, the code of its live tag"
        }
    )


class FeedSchema(OutputSchema):
    cursor = fields.String(metadata={"description": "keep it, and send it with the next request"})
    more = fields.Boolean(metadata={"description": "ask again at once: further changes are waiting"})
    changes = fields.List(fields.Nested(ChangeSchema))
