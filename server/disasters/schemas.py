"""Disaster statistics on the wire."""

from marshmallow import fields, validate

from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.disasters.models import FIGURES, REPORT_KINDS
from server.incidents.classification import types

NATURAL = [code for code, t in types().items() if t.parent == "natural"]
COUNT = validate.Range(min=0, max=10_000_000)


class DisasterCreateSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(NATURAL), metadata={"description": "自然灾害的子类"})
    area_id = AreaId(required=True, metadata={"description": "the district or a street"})
    started_at = fields.AwareDateTime(required=True)


class DisasterEditSchema(InputSchema):
    response_active = fields.Boolean(
        required=True, validate=validate.Equal(False), metadata={"description": "false: the response has ended"}
    )


def _figure(name):
    zh, en, unit, _least = FIGURES[name]
    if name == "direct_loss":
        return fields.Float(
            load_default=0, allow_nan=False, validate=validate.Range(min=0, max=1e9), metadata={"description": unit}
        )
    return fields.Integer(load_default=0, strict=True, validate=COUNT, metadata={"description": f"{zh} / {en}"})


DisasterReportCreateSchema = InputSchema.from_dict(
    {
        "id": fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"}),
        "community_id": AreaId(required=True),
        "kind": fields.String(required=True, validate=validate.OneOf(list(REPORT_KINDS))),
        **{name: _figure(name) for name in FIGURES},
        "explanation": fields.String(
            load_default="",
            validate=validate.Length(max=2000),
            metadata={"description": "why a figure changed sharply (required then)"},
        ),
    },
    name="DisasterReportCreateSchema",
)


class TotalsQuerySchema(QuerySchema):
    area_id = AreaId(metadata={"description": "the street or district to add up (the disaster's area by default)"})


class DisasterSchema(OutputSchema):
    id = fields.UUID()
    name = fields.String()
    type = fields.String()
    type_name = fields.String()
    area_id = fields.Integer()
    area_name = fields.String()
    started_at = fields.AwareDateTime()
    first_report_due_at = fields.AwareDateTime()
    response_active = fields.Boolean()
    ended_at = fields.AwareDateTime(allow_none=True)
    is_demo = fields.Boolean()
    version = fields.Integer()


FiguresSchema = OutputSchema.from_dict(
    {name: fields.Float() if name == "direct_loss" else fields.Integer() for name in FIGURES}, name="FiguresSchema"
)


class DisasterReportSchema(FiguresSchema):
    id = fields.UUID()
    disaster_id = fields.UUID()
    community_id = fields.Integer()
    community_name = fields.String()
    kind = fields.String(metadata={"description": "initial (初报), followup (续报), verified (核报)"})
    explanation = fields.String()
    late = fields.Boolean(metadata={"description": "a first report past DISASTER_FIRST_REPORT_HOURS"})
    reporter_name = fields.String()
    received_at = fields.AwareDateTime()


class PartSchema(OutputSchema):
    area_id = fields.Integer()
    name = fields.String()
    totals = fields.Nested(FiguresSchema)
    communities_reported = fields.Integer()
    communities = fields.Integer()
    last_kind = fields.String(allow_none=True)


class TotalsSchema(OutputSchema):
    disaster_id = fields.UUID()
    area_id = fields.Integer()
    area_name = fields.String()
    totals = fields.Nested(FiguresSchema)
    communities_reported = fields.Integer()
    communities = fields.Integer()
    parts = fields.List(fields.Nested(PartSchema))
    followup_due = fields.List(fields.String(), metadata={"description": "communities owing today's follow-up"})
    first_report_due_at = fields.AwareDateTime()
