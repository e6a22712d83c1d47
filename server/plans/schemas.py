"""Plans, tasks and coverage on the wire."""

from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.enterprises.models import SECTORS
from server.inspections.schemas import Flag
from server.plans import periods
from server.plans.models import ASSIGNEES, FREQUENCIES, PLAN_KINDS, TASK_STATES
from server.sites.models import RISK_LEVELS, SITE_TYPES

DIMENSIONS = ("grid", "community", "street", "site_type", "sector", "kind")


class PatrolPlanEditSchema(InputSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    area_id = AreaId(metadata={"description": "a grid, community, street or the district: its sites"})
    sector = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(SECTORS)),
        metadata={"description": "only the sites of enterprises in this sector (a department's plan names its own)"},
    )
    site_types = fields.List(fields.String(validate=validate.OneOf(list(SITE_TYPES))), validate=validate.Length(max=20))
    risk_levels = fields.List(
        fields.String(validate=validate.OneOf(list(RISK_LEVELS))), validate=validate.Length(max=4)
    )
    above_designated_size = Flag(allow_none=True, metadata={"description": "规模以上 only (true), below (false)"})
    frequency = fields.String(validate=validate.OneOf(list(FREQUENCIES)))
    template_family_id = fields.UUID(metadata={"description": "the checklist (any version of it does the task)"})
    assignee = fields.String(validate=validate.OneOf(list(ASSIGNEES)))
    unannounced = Flag(metadata={"description": "四不两直: the enterprise never sees the task before it is done"})
    active = Flag()


class PatrolPlanCreateSchema(PatrolPlanEditSchema):
    class Meta(PatrolPlanEditSchema.Meta):
        pass

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    area_id = AreaId(required=True)
    frequency = fields.String(required=True, validate=validate.OneOf(list(FREQUENCIES)))
    template_family_id = fields.UUID(required=True)
    assignee = fields.String(required=True, validate=validate.OneOf(list(ASSIGNEES)))


class PatrolPlanSchema(OutputSchema):
    id = fields.UUID()
    name = fields.String()
    area_id = fields.Integer()
    area_name = fields.String()
    sector = fields.String(allow_none=True)
    site_types = fields.List(fields.String())
    risk_levels = fields.List(fields.String())
    above_designated_size = fields.Boolean(allow_none=True)
    frequency = fields.String(metadata={"description": "a draw's plan: once (its one period, the draw's)"})
    template_family_id = fields.UUID()
    template_name = fields.String(allow_none=True)
    assignee = fields.String()
    unannounced = fields.Boolean()
    active = fields.Boolean()
    kind = fields.String(metadata={"description": "patrol, or draw: made by a 双随机 draw (its id), not editable"})
    current_period = fields.String(
        allow_none=True, metadata={"description": "the period today falls in (a draw's plan: its one period)"}
    )
    is_demo = fields.Boolean()
    version = fields.Integer()


class PatrolPlanQuerySchema(QuerySchema):
    area_id = AreaId(metadata={"description": "plans overlapping this area"})
    active = fields.Boolean()


class GenerateQuerySchema(QuerySchema):
    period = fields.String(
        validate=validate.Length(max=10),
        metadata={"description": "the plan's period: 2026-W49, 2026-12, 2026-Q4 or 2026 (default: the current one)"},
    )


class GeneratedSchema(OutputSchema):
    period = fields.String()
    planned = fields.Integer(metadata={"description": "tasks added"})
    cancelled = fields.Integer(metadata={"description": "open tasks whose site has left the plan"})
    moved = fields.Integer(metadata={"description": "open tasks whose site moved to another grid"})
    done = fields.Integer(metadata={"description": "new tasks already done by an inspection in the period"})


class TaskQuerySchema(QuerySchema):
    mine = fields.Boolean(metadata={"description": "only yours: assigned to you, or drawn with you (a co-inspector)"})
    area_id = AreaId(metadata={"description": "within this area (a subtree)"})
    plan_id = fields.UUID()
    site_id = fields.UUID()
    state = fields.String(validate=validate.OneOf(list(TASK_STATES)))
    kind = fields.String(validate=validate.OneOf(list(PLAN_KINDS)), metadata={"description": "its plan's kind"})
    period = fields.String(validate=validate.Length(max=10), metadata={"description": "tasks starting in it"})
    flagged = fields.Boolean()
    unassigned = fields.Boolean(metadata={"description": "an office's tasks nobody has been given yet"})
    sector = fields.String(validate=validate.OneOf(list(SECTORS)), metadata={"description": "its site's sector"})
    site_type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))

    @validates_schema
    def _period_is_one(self, data, **_kwargs):
        if "period" in data:
            try:
                periods.span(data["period"])
            except ValueError:
                raise ValidationError("不是有效的周期（如 2026-12）/ not a period (e.g. 2026-12)", "period") from None


class TaskEditSchema(InputSchema):
    assignee_id = fields.UUID(required=True, allow_none=True, metadata={"description": "null: back to the office"})


class TaskSchema(OutputSchema):
    id = fields.UUID()
    plan_id = fields.UUID()
    plan_name = fields.String()
    site_id = fields.UUID()
    site_name = fields.String()
    site_type = fields.String()
    grid_id = fields.Integer()
    enterprise_id = fields.UUID(allow_none=True)
    sector = fields.String(allow_none=True)
    template_family_id = fields.UUID()
    template_id = fields.UUID(allow_none=True, metadata={"description": "the published version to start it on"})
    template_name = fields.String(allow_none=True)
    period = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    due_date = fields.Date()
    assignee = fields.String()
    assignee_id = fields.UUID(allow_none=True)
    assignee_name = fields.String(allow_none=True)
    unannounced = fields.Boolean()
    kind = fields.String(metadata={"description": "its plan's kind: patrol, or draw (双随机)"})
    co_inspector_ids = fields.List(
        fields.UUID(), metadata={"description": "a draw's task: the others drawn with its lead (the assignee)"}
    )
    co_inspector_names = fields.List(fields.String())
    state = fields.String()
    overdue = fields.Boolean(metadata={"description": "open past its due date"})
    inspection_id = fields.UUID(allow_none=True)
    done_at = fields.AwareDateTime(allow_none=True)
    flags = fields.List(fields.String())
    flagged = fields.Boolean()
    version = fields.Integer()


class CoverageQuerySchema(QuerySchema):
    period = fields.String(required=True, validate=validate.Length(max=10), metadata={"description": "e.g. 2026-12"})
    by = fields.String(load_default="street", validate=validate.OneOf(DIMENSIONS))
    plan_id = fields.UUID()
    area_id = AreaId()

    @validates_schema
    def _period_is_one(self, data, **_kwargs):
        try:
            periods.span(data["period"])
        except ValueError:
            raise ValidationError("不是有效的周期（如 2026-12）/ not a period (e.g. 2026-12)", "period") from None


class CoverageRowSchema(OutputSchema):
    key = fields.Raw(metadata={"description": "an area's id, a site type's, a sector's or a plan kind's code"})
    name = fields.String()
    planned = fields.Integer()
    done = fields.Integer(metadata={"description": "done, flagged ones included"})
    flagged = fields.Integer(metadata={"description": "done without proof of presence (no or far check-in)"})
    missed = fields.Integer()
    open = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "done / planned, a percentage"})
    verified_rate = fields.Float(allow_none=True, metadata={"description": "(done − flagged) / planned"})


class CoverageSchema(OutputSchema):
    period = fields.String()
    by = fields.String()
    rows = fields.List(fields.Nested(CoverageRowSchema))
    total = fields.Nested(CoverageRowSchema)


class YearQuerySchema(QuerySchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class IndicatorUnitSchema(OutputSchema):
    id = fields.UUID()
    name = fields.String()
    sector = fields.String()


class IndicatorSchema(OutputSchema):
    indicator = fields.Integer()
    name = fields.String()
    year = fields.Integer()
    target = fields.Float()
    enterprises = fields.Integer(metadata={"description": "high-risk enterprises above designated size"})
    inspected = fields.Integer(metadata={"description": "of them, inspected by enforcement at least once this year"})
    rate = fields.Float(allow_none=True)
    uninspected = fields.List(fields.Nested(IndicatorUnitSchema))


class TaskCandidateSchema(OutputSchema):
    """Someone a task may be given to (PATCH /tasks/<id>), nearest the task's grid first."""

    id = fields.UUID()
    name = fields.String()
    area_id = fields.Integer(metadata={"description": "the nearest area at or above its grid they hold the role on"})
    area_level = fields.String(metadata={"description": "grid, community, street, district"})
    nearness = fields.Integer(metadata={"description": "0: the task's grid itself, 1: its community, 2: its street, …"})
