"""Draws and declared conflicts on the wire: the supervisor's input, and what the public page shows."""

from decimal import Decimal

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema
from server.enterprises.models import SECTORS
from server.sites.models import RISK_LEVELS, SITE_TYPES


class Number(fields.Float):
    """A JSON number, not a string holding one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="64 位小写十六进制（SHA-256） / 64 lowercase hex digits (SHA-256)")


class ConflictCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "the client's id: sending it again is idempotent"})
    enterprise_id = fields.UUID(required=True)
    reason = fields.String(
        required=True, validate=validate.Length(min=1, max=500), metadata={"description": "never published"}
    )


class ConflictSchema(OutputSchema):
    id = fields.UUID()
    user_id = fields.UUID()
    user_name = fields.String()
    enterprise_id = fields.UUID()
    enterprise_name = fields.String()
    reason = fields.String()
    declared_at = fields.AwareDateTime()


class DrawCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "the client's id: sending it again is idempotent"})
    matter = fields.String(
        required=True, validate=validate.Length(min=1, max=500), metadata={"description": "抽查事项"}
    )
    area_id = AreaId(required=True, metadata={"description": "the area whose sites make up the register of targets"})
    site_types = fields.List(fields.String(validate=validate.OneOf(list(SITE_TYPES))), load_default=list)
    risk_levels = fields.List(fields.String(validate=validate.OneOf(list(RISK_LEVELS))), load_default=list)
    department_sector = fields.String(
        validate=validate.OneOf(list(SECTORS)),
        metadata={"description": "a department's draw: its officers there join the register of inspectors"},
    )
    share = Number(
        allow_nan=False,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"description": "the share of targets drawn, (0, 1], at most 4 decimals; k = ⌈n × share⌉ (or count)"},
    )
    count = fields.Integer(validate=validate.Range(min=1, max=100_000))
    per_target = fields.Integer(load_default=2, validate=validate.Range(min=1, max=5))
    template_family_id = fields.UUID(
        metadata={"description": "the checklist the inspections use (a published family): the draw's tasks name it"}
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    seed_commitment = fields.String(
        validate=HEX64,
        metadata={"description": "SHA-256 of a seed you keep until the draw; without it the server makes the seed"},
    )
    public_value_source = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "a public value announced ahead, mixed into the seed (e.g. a lottery's draw)"},
    )

    @validates_schema
    def _consistent(self, data, **_kwargs):
        if ("share" in data) == ("count" in data):
            raise ValidationError("给出比例或数量之一 / give either share or count", "share")
        if data["period_end"] < data["period_start"]:
            raise ValidationError("结束日期早于开始日期 / ends before it starts", "period_end")
        if "share" in data and Decimal(repr(data["share"])).as_tuple().exponent < -4:
            raise ValidationError("比例最多四位小数 / at most four decimals", "share")

    @post_load
    def _share_as_text(self, data, **_kwargs):
        if "share" in data:  # exact, as hashed and published: 0.1 stays "0.1"
            data["share"] = format(Decimal(repr(data["share"])).normalize(), "f")
        return data


class DrawRunSchema(InputSchema):
    seed = fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "the seed committed to"})
    public_value = fields.String(validate=validate.Length(min=1, max=128))


class DrawnInspectorSchema(OutputSchema):
    name = fields.String()
    certificate_no = fields.String(allow_none=True, metadata={"description": "执法证号"})


class DrawnInspectionSchema(OutputSchema):
    finished_at = fields.AwareDateTime()
    percentage = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)


class DrawReplacementSchema(OutputSchema):
    departed = fields.Nested(DrawnInspectorSchema)
    replacement = fields.Nested(DrawnInspectorSchema, allow_none=True, metadata={"description": "null: nobody left"})


class DrawnTargetSchema(OutputSchema):
    position = fields.Integer(metadata={"description": "the order drawn"})
    site_name = fields.String()
    site_type = fields.String()
    grid = fields.String()
    enterprise_name = fields.String(allow_none=True)
    inspectors = fields.List(fields.Nested(DrawnInspectorSchema))
    inspection = fields.Nested(DrawnInspectionSchema, allow_none=True)
    replacements = fields.List(
        fields.Nested(DrawReplacementSchema),
        metadata={"description": "补抽: drawn inspectors who left before the inspection, and who took their place"},
    )
    recused = fields.List(
        fields.Nested(DrawnInspectorSchema),
        metadata={"description": "inspectors of the register who declared a tie to its enterprise (回避): never drawn"},
    )


class DrawSummarySchema(OutputSchema):
    id = fields.UUID()
    matter = fields.String()
    area = fields.String()
    site_types = fields.List(fields.String())
    risk_levels = fields.List(fields.String())
    period_start = fields.Date()
    period_end = fields.Date()
    state = fields.String(metadata={"description": "committed | drawn | published"})
    algorithm = fields.String()
    share = fields.String(allow_none=True)
    count = fields.Integer(allow_none=True)
    per_target = fields.Integer()
    template_family_id = fields.UUID(allow_none=True)
    candidates = fields.Integer(allow_none=True, metadata={"description": "targets in the register"})
    drawn = fields.Integer()
    seed_commitment = fields.String()
    seed = fields.String(allow_none=True, metadata={"description": "null until drawn"})
    seed_by_server = fields.Boolean(
        metadata={"description": "the server made the seed (else the supervisor keeps it and reveals it at the draw)"}
    )
    public_value_source = fields.String(allow_none=True)
    public_value = fields.String(allow_none=True)
    targets_sha256 = fields.String()
    inspectors_sha256 = fields.String()
    result_sha256 = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    drawn_at = fields.AwareDateTime(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)


class DrawSchema(DrawSummarySchema):
    targets = fields.List(fields.Nested(DrawnTargetSchema))


class DrawCheckSchema(OutputSchema):
    name = fields.String()
    ok = fields.Boolean()
    detail = fields.String()


class DrawVerificationSchema(OutputSchema):
    draw_id = fields.UUID()
    ok = fields.Boolean()
    checks = fields.List(fields.Nested(DrawCheckSchema))


class DrawRecordSchema(OutputSchema):
    """The published record as one document: enough to re-run the draw (`flask draws verify --file`)."""

    draw_id = fields.String()
    matter = fields.String()
    algorithm = fields.String()
    parameters = fields.Dict()
    period = fields.List(fields.String())
    seed_commitment = fields.String()
    seed = fields.String(allow_none=True)
    public_value_source = fields.String(allow_none=True)
    public_value = fields.String(allow_none=True)
    targets_snapshot = fields.String(metadata={"description": "canonical JSON, exactly as hashed"})
    targets_sha256 = fields.String()
    inspectors_snapshot = fields.String(metadata={"description": "canonical JSON, exactly as hashed"})
    inspectors_sha256 = fields.String()
    result = fields.String(allow_none=True, metadata={"description": "canonical JSON, exactly as hashed"})
    result_sha256 = fields.String(allow_none=True)
    replacements = fields.List(
        fields.Dict(),
        metadata={"description": "补抽: {site_id, departed, replacement, exclude} as the event chain recorded each"},
    )
