"""Dashboards on the wire."""

from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, OutputSchema, QuerySchema
from server.enterprises.models import SECTORS
from server.plans import periods
from server.sites.models import SITE_TYPES


class DashboardQuerySchema(QuerySchema):
    period = fields.String(
        validate=validate.Length(max=10),
        metadata={"description": "a month (2026-12, the default: this month), a quarter (2026-Q4), a year, a week"},
    )
    area_id = AreaId(metadata={"description": "the district, a street or a community, narrowing your scope"})
    sector = fields.String(validate=validate.OneOf(list(SECTORS)), metadata={"description": "a department's sector"})
    site_type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))

    @validates_schema
    def _period_is_one(self, data, **_kwargs):
        if "period" in data:
            try:
                periods.span(data["period"])
            except ValueError:
                raise ValidationError("不是有效的周期（如 2026-12）/ not a period (e.g. 2026-12)", "period") from None


class DashboardListQuerySchema(OutputSchema):
    path = fields.String(metadata={"description": "the list endpoint"})
    query = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "its query string"})
    href = fields.String(metadata={"description": "path and query string together"})


class DashboardFigureSchema(OutputSchema):
    count = fields.Integer()
    list = fields.Nested(DashboardListQuerySchema, metadata={"description": "the list whose length is `count`"})


def by_level(name: str):
    return OutputSchema.from_dict(
        {key: fields.Nested(DashboardFigureSchema) for key in ("all", "general", "major")}, name=f"Dashboard{name}"
    )


class DashboardClosureRateSchema(OutputSchema):
    value = fields.Float(allow_none=True, metadata={"description": "closed / (found − rejected − merged)"})
    closed = fields.Nested(DashboardFigureSchema)
    entered = fields.Integer(metadata={"description": "found in the period and entered the loop"})


class DashboardShareSchema(OutputSchema):
    value = fields.Float(allow_none=True, metadata={"description": "yes / (yes + no); null when neither"})
    yes = fields.Nested(DashboardFigureSchema)
    no = fields.Nested(DashboardFigureSchema)


class DashboardStreetFiguresSchema(OutputSchema):
    street_id = fields.Integer()
    street_name = fields.String()
    found = fields.Nested(DashboardFigureSchema)
    open = fields.Nested(DashboardFigureSchema)
    overdue = fields.Nested(DashboardFigureSchema)


class DashboardMonthSchema(OutputSchema):
    month = fields.String()
    found = fields.Nested(DashboardFigureSchema)
    closed = fields.Nested(
        DashboardFigureSchema, metadata={"description": "closed (销号) in the month, whenever found"}
    )


class DashboardCoverageStreetSchema(OutputSchema):
    street_id = fields.Integer(allow_none=True)
    street_name = fields.String()
    planned = fields.Integer()
    rate = fields.Float(allow_none=True)


class DashboardCoverageSchema(OutputSchema):
    planned = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "done / planned, in per cent"})
    verified_rate = fields.Float(allow_none=True, metadata={"description": "done with proof of presence / planned"})
    done = fields.Nested(DashboardFigureSchema)
    flagged = fields.Nested(DashboardFigureSchema)
    missed = fields.Nested(DashboardFigureSchema)
    open = fields.Nested(DashboardFigureSchema)
    streets = fields.List(fields.Nested(DashboardCoverageStreetSchema))


class DashboardRankingsLinkSchema(OutputSchema):
    path = fields.String()
    month = fields.String()


class DashboardInspectionFiguresSchema(OutputSchema):
    done = fields.Nested(DashboardFigureSchema)
    flagged = fields.Nested(DashboardFigureSchema)
    mean_score = fields.Float(allow_none=True, metadata={"description": "mean percentage score"})
    rankings = fields.Nested(DashboardRankingsLinkSchema)


class DashboardPeriodSchema(OutputSchema):
    key = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class DashboardScopeSchema(OutputSchema):
    area_id = fields.Integer(allow_none=True)
    area_name = fields.String(allow_none=True)
    area_level = fields.String(allow_none=True)
    sector = fields.String(allow_none=True)
    site_type = fields.String(allow_none=True)


class DashboardSchema(OutputSchema):
    period = fields.Nested(DashboardPeriodSchema)
    scope = fields.Nested(DashboardScopeSchema)
    as_of = fields.AwareDateTime(metadata={"description": "when `overdue` and `listed_now` were taken"})
    found = fields.Nested(by_level("FoundByLevelSchema"), metadata={"description": "received in the period"})
    closed = fields.Nested(by_level("ClosedByLevelSchema"), metadata={"description": "of those found: closed now"})
    open = fields.Nested(by_level("OpenByLevelSchema"), metadata={"description": "of those found: open now"})
    closure_rate = fields.Nested(DashboardClosureRateSchema)
    overdue = fields.Nested(
        by_level("OverdueByLevelSchema"), metadata={"description": "being rectified past the deadline now"}
    )
    overdue_ack = fields.Nested(
        by_level("OverdueAckByLevelSchema"), metadata={"description": "waiting past the 30-minute target now"}
    )
    on_time = fields.Nested(
        DashboardShareSchema, metadata={"description": "of those found and closed: by the deadline"}
    )
    ack_on_time = fields.Nested(
        DashboardShareSchema, metadata={"description": "acknowledged within 30 minutes of arrival"}
    )
    ack_on_time_observed = fields.Nested(
        DashboardShareSchema, metadata={"description": "acknowledged within 30 minutes of observation"}
    )
    listed = fields.Nested(DashboardFigureSchema, metadata={"description": "listed (挂牌督办) in the period"})
    delisted = fields.Nested(DashboardFigureSchema, metadata={"description": "de-listed (摘牌) in the period"})
    listed_now = fields.Nested(DashboardFigureSchema)
    streets = fields.List(
        fields.Nested(DashboardStreetFiguresSchema), metadata={"description": "a district's, by street"}
    )
    trend = fields.List(
        fields.Nested(DashboardMonthSchema), metadata={"description": "12 months ending with the period's"}
    )
    coverage = fields.Nested(DashboardCoverageSchema)
    inspections = fields.Nested(DashboardInspectionFiguresSchema)
    flagged_checkins = fields.Nested(DashboardFigureSchema)
