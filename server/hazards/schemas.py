"""Hazards on the wire."""

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema, PhoneTimeSchema, QuerySchema
from server.enterprises.models import SECTORS
from server.hazards.machine import MACHINE, STATES
from server.hazards.models import DATED, LEVELS, SOURCES
from server.hazards.summary import EARLIEST, LATEST
from server.sites.models import SITE_TYPES
from server.sites.schemas import LATITUDE, LONGITUDE


class HazardCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    site_id = fields.UUID(load_default=None, allow_none=True)
    grid_id = AreaId(load_default=None, allow_none=True, metadata={"description": "when there is no site"})
    category = fields.String(required=True, validate=validate.Length(min=1, max=32))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    source = fields.String(load_default=None, validate=validate.OneOf(list(SOURCES)))
    observed_at = fields.AwareDateTime(required=True, metadata={"description": "the phone's clock, with its zone"})
    latitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LATITUDE)
    longitude = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=LONGITUDE)
    accuracy_m = fields.Float(
        load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100_000)
    )
    photo_ids = fields.List(
        fields.UUID(),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "photos sent on their own, before or after this report"},
    )

    @validates_schema
    def _somewhere(self, data, **_kwargs):
        if not data.get("site_id") and not data.get("grid_id"):
            raise ValidationError("给出 site_id 或 grid_id / give site_id or grid_id", "site_id")


class PlanSchema(InputSchema):
    """整改方案的五落实: measures, responsible person, funds, deadline, contingency plan."""

    measures = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    responsible_person = fields.String(required=True, validate=validate.Length(min=1, max=100))
    funds = fields.String(required=True, validate=validate.Length(min=1, max=200))
    deadline = fields.AwareDateTime(required=True)
    contingency_plan = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class TransitionSchema(InputSchema):
    id = fields.UUID(
        required=True, metadata={"description": "made on the phone: a replayed change is found, not repeated"}
    )
    action = fields.String(required=True, validate=validate.OneOf(MACHINE))  # the table itself: always its actions
    reason = fields.String(validate=validate.Length(min=1, max=500))
    result = fields.String(validate=validate.Length(min=1, max=500), metadata={"description": "re-inspection result"})
    duplicate_of = fields.UUID()
    sector = fields.String(validate=validate.OneOf(list(SECTORS)))
    deadline = fields.AwareDateTime()
    responsible_party = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(min=1, max=2000))
    photo_ids = fields.List(fields.UUID(), validate=validate.Length(max=20))
    requirements = fields.String(validate=validate.Length(min=1, max=2000), metadata={"description": "整改要求"})
    plan = fields.Nested(PlanSchema)
    regulator_reported_at = fields.AwareDateTime()
    workers_congress_reported_at = fields.AwareDateTime()
    approved = fields.Boolean(metadata={"description": "the extension: approved or refused"})
    co_signer = fields.UUID(metadata={"description": "the second officer signing an order (/api/v1/colleagues)"})
    expert = fields.UUID(metadata={"description": "the expert invited (/api/v1/colleagues)"})
    finding = fields.String(validate=validate.Length(min=1, max=2000), metadata={"description": "专家意见"})

    @ma.post_load
    def _plan_as_record(self, data, **_kwargs):
        if "plan" in data:  # kept as JSON on the hazard and the event
            data["plan"] = {**data["plan"], "deadline": data["plan"]["deadline"].isoformat()}
        return data


class PhotoStateSchema(OutputSchema):
    id = fields.String()
    state = fields.String(metadata={"description": "pending until it arrives and its copies are made"})


class HazardSchema(PhoneTimeSchema):
    id = fields.UUID()
    site_id = fields.UUID(allow_none=True)
    grid_id = fields.Integer()
    street_id = fields.Integer()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    category = fields.String()
    level = fields.String()
    description = fields.String()
    source = fields.String()
    photos = fields.List(fields.Nested(PhotoStateSchema))
    reporter_id = fields.UUID()
    reporter_name = fields.String(allow_none=True, metadata={"description": "who reported it (上报人)"})
    received_at = fields.AwareDateTime()
    enterprise_id = fields.UUID(allow_none=True)
    sector = fields.String(allow_none=True)
    transferred_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "when a station last transferred it (移送) to its sector"}
    )
    state = fields.String(metadata={"description": ", ".join(STATES)})
    ack_due_at = fields.AwareDateTime(metadata={"description": "30 minutes after it reached the server"})
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    overdue_ack = fields.Boolean()
    merged_into_id = fields.UUID(allow_none=True)
    responsible_party = fields.String()
    deadline = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    plan = fields.Dict(allow_none=True)
    regulator_reported_at = fields.AwareDateTime(allow_none=True)
    workers_congress_reported_at = fields.AwareDateTime(allow_none=True)
    listed_at = fields.AwareDateTime(allow_none=True)
    listing_number = fields.String(allow_none=True)
    delisted_at = fields.AwareDateTime(allow_none=True)
    extension_until = fields.AwareDateTime(allow_none=True)
    extension_decision = fields.String(allow_none=True)
    version = fields.Integer()
    allowed_actions = fields.List(fields.String(), metadata={"description": "what you may do next"})
    flags = fields.List(
        fields.String(),
        metadata={"description": "what its page shows beside its state: listed, extension_pending (vocabularies)"},
    )


class EventSchema(OutputSchema):
    seq = fields.Integer()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    actor_id = fields.UUID(allow_none=True)
    at = fields.AwareDateTime()
    reason = fields.String()
    attachments = fields.List(fields.String())
    data = fields.Dict()
    hash = fields.String()


class DocumentSchema(OutputSchema):
    id = fields.UUID()
    kind = fields.String(
        metadata={
            "description": "rectification_notice (隐患整改意见书) | reinspection_opinion "
            "(整改复查意见书) | listing_notice (挂牌督办通知书) | enforcement_order (责令限期整改指令书)"
        }
    )
    number = fields.String()
    state = fields.String(metadata={"description": "pending until the job has rendered it"})
    sha256 = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class CategorySchema(OutputSchema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    active = fields.Boolean(metadata={"description": "offered to new reports; a switched-off one stays on old ones"})
    position = fields.Integer(metadata={"description": "its place in the report form, smallest first"})


class CategoryQuerySchema(QuerySchema):
    all = fields.Boolean(load_default=False, metadata={"description": "the switched-off ones too (admins only)"})


CATEGORY_CODE = validate.Regexp(
    r"^[a-z][a-z0-9_]{1,31}$", error="代码须为 2-32 位小写字母、数字或下划线 / 2-32 lowercase letters, digits or _"
)


def _name(max_length: int, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class _CategoryNames(InputSchema):
    @ma.pre_load
    def _strip(self, data, **_kwargs):
        if isinstance(data, dict):
            data = {k: v.strip() if isinstance(v, str) and k.startswith("name_") else v for k, v in data.items()}
        return data


class CategoryCreateSchema(_CategoryNames):
    code = fields.String(validate=CATEGORY_CODE, metadata={"description": "made up when left out"})
    name_zh = _name(50, required=True)
    name_en = _name(80, metadata={"description": "the Chinese name when left out"})
    position = fields.Integer(validate=validate.Range(min=0, max=9999), metadata={"description": "last when left out"})


class CategoryUpdateSchema(_CategoryNames):
    name_zh = _name(50)
    name_en = _name(80)
    active = fields.Boolean()
    position = fields.Integer(validate=validate.Range(min=0, max=9999))


class HazardQuerySchema(QuerySchema):
    state = fields.String(validate=validate.OneOf(list(STATES)))
    level = fields.String(validate=validate.OneOf(list(LEVELS)))
    category = fields.String(validate=validate.Length(max=32))
    site_id = fields.UUID()
    area_id = AreaId()
    overdue_ack = fields.Boolean(metadata={"description": "reported and past the 30-minute target"})
    open = fields.Boolean(metadata={"description": "true: not closed, rejected or merged; false: one of those"})
    ordered_by = fields.String(
        validate=validate.OneOf(["me"]),
        metadata={"description": "me: those with an enforcement order (责令限期整改指令书) you issued or co-signed"},
    )
    invited = fields.String(validate=validate.OneOf(["me"]), metadata={"description": "me: those you are invited to"})
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "text in its description, its site's name or its responsible party"},
    )
    overdue = fields.Boolean(metadata={"description": "being rectified past its deadline (逾期): the summary's count"})
    listed = fields.Boolean(metadata={"description": "listed (挂牌督办) and not de-listed, open or closed"})
    transferred = fields.Boolean(metadata={"description": "transferred (移送) to its sector's department"})
    # the dashboards' figures drill down to this list with these (server/dashboards): the same filters, the same rows
    from_ = fields.Date(
        data_key="from",
        validate=validate.Range(min=EARLIEST, max=LATEST),
        metadata={"description": "first day, Asia/Shanghai, inclusive, of the date `dated` names"},
    )
    to = fields.Date(
        validate=validate.Range(min=EARLIEST, max=LATEST),
        metadata={"description": "last day, Asia/Shanghai, inclusive, of the date `dated` names"},
    )
    dated = fields.String(
        load_default="received",
        validate=validate.OneOf(list(DATED)),
        metadata={"description": "which date from/to select by: received (default), closed, listed, delisted"},
    )
    sector = fields.String(validate=validate.OneOf(list(SECTORS)), metadata={"description": "管行业必须管安全"})
    site_type = fields.String(validate=validate.OneOf(list(SITE_TYPES)), metadata={"description": "its site's type"})
    ack_on_time = fields.Boolean(
        metadata={
            "description": "acknowledged within the 30-minute target from arrival (true) or later (false); "
            "a hazard not acknowledged is in neither"
        }
    )
    ack_on_time_observed = fields.Boolean(
        metadata={"description": "the same, measured from when it was observed (the phone's clock, corrected)"}
    )
    on_time = fields.Boolean(
        metadata={
            "description": "closed by its deadline (true) or after it (false); open ones and those closed without "
            "a deadline are in neither"
        }
    )

    @validates_schema
    def _period_in_order(self, data, **_kwargs):
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ValidationError("开始日期不能晚于结束日期 / the start date cannot be after the end date", "from")


# ---- the supervisors' summary (隐患统计概览) ----


class HazardSummaryQuerySchema(QuerySchema):
    from_ = fields.Date(
        data_key="from",
        metadata={
            "description": "first day, Asia/Shanghai, inclusive (default: 29 days before `to`); selects by received_at"
        },
    )
    to = fields.Date(metadata={"description": "last day, Asia/Shanghai, inclusive (default: today); at most 366 days"})
    area_id = AreaId(metadata={"description": "a street or the district, narrowing your scope"})
    level = fields.String(validate=validate.OneOf(list(LEVELS)))


HazardCountsByStateSchema = OutputSchema.from_dict(
    {state: fields.Integer() for state in STATES}, name="HazardCountsByStateSchema"
)


class HazardSummaryBlockSchema(OutputSchema):
    reported = fields.Integer(metadata={"description": "received in the period"})
    by_state = fields.Nested(HazardCountsByStateSchema, metadata={"description": "their states now"})
    closed = fields.Integer()
    closure_rate = fields.Float(
        allow_none=True,
        metadata={
            "description": "of the hazards received in the period: closed by now / (reported − rejected − merged); "
            "null if none entered the loop"
        },
    )
    overdue_rectification = fields.Integer(
        metadata={
            "description": "being rectified past their deadline at the period's end, or now if the period runs to "
            "today, whenever received (not only those received in the period)"
        }
    )
    overdue_acknowledgement = fields.Integer(
        metadata={
            "description": "still waiting for acknowledgement past the 30-minute target at that same moment, "
            "whenever received"
        }
    )
    median_minutes_to_acknowledge = fields.Float(
        allow_none=True,
        metadata={
            "description": "median minutes from received_at to acknowledged_at, over the period's hazards "
            "acknowledged so far; null if none"
        },
    )
    median_minutes_to_acknowledge_from_observed = fields.Float(
        allow_none=True, metadata={"description": "from observed_at (the phone's clock)"}
    )
    median_minutes_to_close = fields.Float(
        allow_none=True,
        metadata={
            "description": "median minutes from received_at to closed_at, over the period's hazards closed so far"
        },
    )
    acknowledged_within_target = fields.Float(
        allow_none=True, metadata={"description": "share (0..1) of acknowledged hazards acknowledged by ack_due_at"}
    )


class HazardStreetSummarySchema(HazardSummaryBlockSchema):
    street_id = fields.Integer()
    street_name = fields.String()


class HazardSummarySchema(OutputSchema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    area_id = fields.Integer(allow_none=True)
    level = fields.String(allow_none=True)
    total = fields.Nested(HazardSummaryBlockSchema)
    streets = fields.List(
        fields.Nested(HazardStreetSummarySchema),
        metadata={"description": "every street in your scope, in division-code order"},
    )
