"""Incidents on the wire."""

from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.incidents.classification import subtypes
from server.incidents.machine import ACTIONS
from server.incidents.models import STATES
from server.sites.schemas import LATITUDE, LONGITUDE

COUNT = validate.Range(min=0, max=100_000)


def _count(**kwargs):
    return fields.Integer(load_default=0, validate=COUNT, strict=True, **kwargs)


class IncidentCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    type = fields.String(required=True, validate=validate.OneOf(subtypes()), metadata={"description": "a sub-type"})
    site_id = fields.UUID(load_default=None, allow_none=True)
    grid_id = AreaId(load_default=None, allow_none=True, metadata={"description": "when there is no site"})
    address = fields.String(load_default="", validate=validate.Length(max=200))
    latitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LATITUDE)
    longitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LONGITUDE)
    occurred_at = fields.AwareDateTime(required=True, metadata={"description": "when it happened, with its zone"})
    dead = _count()
    injured = _count()
    missing = _count(metadata={"description": "失联"})
    trapped = _count(metadata={"description": "被困"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    photo_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20))

    @validates_schema
    def _somewhere(self, data, **_kwargs):
        if not data.get("site_id") and not data.get("grid_id"):
            raise ValidationError("给出 site_id 或 grid_id / give site_id or grid_id", "grid_id")


class IncidentReportCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    kind = fields.String(required=True, validate=validate.OneOf(["followup", "final"]))
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    dead = _count()
    injured = _count()
    missing = _count()
    trapped = _count()
    photo_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20))


class IncidentTransitionSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone: a replay is found, not repeated"})
    action = fields.String(required=True, validate=validate.OneOf(list(ACTIONS)))
    note = fields.String(validate=validate.Length(max=500), metadata={"description": "what the follow-up should say"})


class IncidentQuerySchema(QuerySchema):
    state = fields.String(validate=validate.OneOf(list(STATES)))
    area_id = AreaId()
    open = fields.Boolean()


class TimelinessQuerySchema(QuerySchema):
    from_ = fields.AwareDateTime(data_key="from", metadata={"description": "received at or after"})
    to = fields.AwareDateTime(metadata={"description": "received before"})


class CasualtiesSchema(OutputSchema):
    dead = fields.Integer()
    injured = fields.Integer()
    missing = fields.Integer()
    trapped = fields.Integer()


class IncidentReportSchema(CasualtiesSchema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "followup (续报) or final (终报)"})
    description = fields.String()
    photo_ids = fields.List(fields.String())
    author_name = fields.String()
    received_at = fields.AwareDateTime()


class IncidentSchema(CasualtiesSchema):
    id = fields.UUID()
    type = fields.String()
    type_name = fields.String(metadata={"description": "类别·子类"})
    site_id = fields.UUID(allow_none=True)
    site_name = fields.String(allow_none=True)
    grid_id = fields.Integer()
    street_id = fields.Integer()
    street_name = fields.String()
    address = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    occurred_at = fields.AwareDateTime()
    description = fields.String()
    photo_ids = fields.List(fields.String())
    reporter_name = fields.String()
    received_at = fields.AwareDateTime()
    clock_offset_s = fields.Float(allow_none=True)
    state = fields.String(metadata={"description": "received, forwarded, acknowledged, closed"})
    state_name = fields.String()
    forward_due_at = fields.AwareDateTime()
    forwarded_at = fields.AwareDateTime(allow_none=True)
    forward_minutes = fields.Float(allow_none=True, metadata={"description": "from receipt to forwarding"})
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    followup_requested_at = fields.AwareDateTime(allow_none=True)
    followup_request = fields.String()
    closed_at = fields.AwareDateTime(allow_none=True)
    latest = fields.Nested(CasualtiesSchema, metadata={"description": "the casualties as last reported"})
    reports = fields.List(fields.Nested(IncidentReportSchema))
    allowed_actions = fields.List(fields.String())
    version = fields.Integer()
    is_demo = fields.Boolean()


class StreetTimelinessSchema(OutputSchema):
    street_id = fields.Integer(allow_none=True)
    street_name = fields.String()
    received = fields.Integer()
    forwarded = fields.Integer()
    within_target = fields.Integer(metadata={"description": "forwarded within INCIDENT_FORWARD_MINUTES"})
    on_time_rate = fields.Float(
        allow_none=True,
        metadata={
            "description": "within_target / (forwarded + overdue): those still within the target are not counted yet"
        },
    )
    median_minutes = fields.Float(allow_none=True, metadata={"description": "receipt to forwarding"})
    max_minutes = fields.Float(allow_none=True)
    waiting = fields.Integer(metadata={"description": "not forwarded yet"})
    overdue = fields.Integer(metadata={"description": "not forwarded and past the target"})


class TimelinessSchema(OutputSchema):
    target_minutes = fields.Integer()
    total = fields.Nested(StreetTimelinessSchema)
    streets = fields.List(fields.Nested(StreetTimelinessSchema))


class IncidentTypeSchema(OutputSchema):
    code = fields.String()
    parent = fields.String(allow_none=True)
    name_zh = fields.String()
    name_en = fields.String()
