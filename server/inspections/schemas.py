"""Inspections and their templates on the wire."""

import uuid
from datetime import date

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from server.core.api import AreaId, InputSchema, OutputSchema, QuerySchema
from server.enterprises.models import SECTORS
from server.hazards.models import LEVELS
from server.inspections.models import FLAGS, KINDS, MODES, TEMPLATE_STATES
from server.inspections.scoring import ANSWER_TYPES, CRITICAL, FAIL_REQUIRES, SCORED
from server.sites.models import SITE_TYPES


class Flag(fields.Boolean):
    """true or false, as JSON writes them: not 1, "yes" or "true" (a checklist's rules are not guessed at)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Number(fields.Float):
    """A JSON number, not a string holding one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


KEY = validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$", error="1-64 个字母、数字或 _.- / 1-64 letters, digits or _.-")
SCORE = validate.Range(min=0, max=10_000)


class OptionSchema(InputSchema):
    key = fields.String(required=True, validate=KEY)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    score = Number(required=True, allow_nan=False, validate=SCORE)
    fail = Flag(load_default=None, metadata={"description": "a failing answer (default: a score of 0)"})

    @ma.post_load
    def _fail_by_default_at_zero(self, data, **_kwargs):
        return {**data, "fail": data["score"] == 0 if data["fail"] is None else data["fail"]}


class ProposedHazardSchema(InputSchema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=32))
    level = fields.String(load_default="general", validate=validate.OneOf(list(LEVELS)))


class ItemSchema(InputSchema):
    key = fields.String(
        validate=KEY, metadata={"description": "stable across versions; made by the server if left out"}
    )
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    method = fields.String(load_default="", validate=validate.Length(max=1000), metadata={"description": "检查方法"})
    basis = fields.String(load_default="", validate=validate.Length(max=1000), metadata={"description": "依据"})
    answer_type = fields.String(required=True, validate=validate.OneOf(list(ANSWER_TYPES)))
    max_score = Number(load_default=0, allow_nan=False, validate=SCORE)
    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(max=20))
    unit = fields.String(validate=validate.Length(max=20))
    min = Number(allow_nan=False, allow_none=True, metadata={"description": "passing range, inclusive"})
    max = Number(allow_nan=False, allow_none=True)
    na_allowed = Flag(load_default=True)
    required = Flag(load_default=True)
    critical = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(CRITICAL)))
    fail_requires = fields.List(fields.String(validate=validate.OneOf(list(FAIL_REQUIRES))), load_default=list)
    hazard = fields.Nested(ProposedHazardSchema, load_default=None, allow_none=True)

    @validates_schema
    def _consistent(self, data, **_kwargs):
        kind = data["answer_type"]
        if kind == "choice":
            if len(data.get("options") or []) < 2:
                raise ValidationError("单选至少两个选项 / a choice needs two options or more", "options")
            if len({o["key"] for o in data["options"]}) != len(data["options"]):
                raise ValidationError("选项编号重复 / option keys repeat", "options")
        elif data.get("options"):
            raise ValidationError("只有单选有选项 / only a choice has options", "options")
        if kind == "number":
            low, high = data.get("min"), data.get("max")
            if low is None and high is None:
                raise ValidationError("数值项须给出合格范围 / give the passing range", "min")
            if low is not None and high is not None and low > high:
                raise ValidationError("下限大于上限 / min is above max", "min")
        if kind not in SCORED and (data.get("max_score") or data.get("critical")):
            raise ValidationError("文字和拍照项不计分 / text and photo items score nothing", "max_score")


class SectionSchema(InputSchema):
    key = fields.String(validate=KEY)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(max=500))


class TemplateEditSchema(InputSchema):
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=2000))
    site_types = fields.List(fields.String(validate=validate.OneOf(list(SITE_TYPES))), validate=validate.Length(max=20))
    sectors = fields.List(fields.String(validate=validate.OneOf(list(SECTORS))), validate=validate.Length(max=20))
    owner_sector = fields.String(allow_none=True, validate=validate.OneOf(list(SECTORS)))
    pass_mark = Number(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100))
    sections = fields.List(fields.Nested(SectionSchema), validate=validate.Length(max=50))

    @validates_schema
    def _keys_unique(self, data, **_kwargs):
        sections = data.get("sections") or []
        for what, keys in (
            ("sections", [s.get("key") for s in sections]),
            ("items", [i.get("key") for s in sections for i in s["items"]]),
        ):
            given = [k for k in keys if k]
            if len(set(given)) != len(given):
                raise ValidationError(f"编号重复 / {what}' keys repeat", "sections")


class TemplateCreateSchema(TemplateEditSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sections = fields.List(fields.Nested(SectionSchema), load_default=list, validate=validate.Length(max=50))


class SheetFormSchema(InputSchema):
    """A checklist as an XLSX sheet (docs/inspections.md, "XLSX sheets"), sent as a multipart form."""

    file = Upload(required=True, metadata={"description": "the .xlsx workbook, up to TEMPLATE_SHEET_MAX_BYTES"})


class SheetImportQuerySchema(QuerySchema):
    family_id = fields.UUID(
        metadata={"description": "import as this checklist's next version (a draft); without it, a new checklist"}
    )


class TemplateQuerySchema(QuerySchema):
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    state = fields.String(validate=validate.OneOf(list(TEMPLATE_STATES)))
    family_id = fields.UUID()
    site_type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))


class TemplateSchema(OutputSchema):
    id = fields.UUID()
    family_id = fields.UUID()
    number = fields.Integer(metadata={"description": "the version number within the family"})
    state = fields.String(metadata={"description": ", ".join(TEMPLATE_STATES)})
    kind = fields.String()
    name = fields.String()
    description = fields.String()
    site_types = fields.List(fields.String())
    sectors = fields.List(fields.String())
    owner_sector = fields.String(allow_none=True)
    pass_mark = fields.Float(allow_none=True)
    max_score = fields.Float()
    item_count = fields.Integer()
    sections = fields.List(fields.Dict())
    published_at = fields.AwareDateTime(allow_none=True)
    archived_at = fields.AwareDateTime(allow_none=True)
    is_demo = fields.Boolean()
    version = fields.Integer()


# ---- inspections ---------------------------------------------------------------------------------------


class AnswerSchema(InputSchema):
    item = fields.String(required=True, validate=KEY)
    value = fields.Raw(
        load_default=None,
        metadata={"description": "pass | fail | na; an option's key; a number; text; null for a photo item"},
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    photo_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20))
    raise_hazard = Flag(
        load_default=None,
        allow_none=True,
        metadata={"description": "a failing item made a hazard: true or false; null follows the item's proposal"},
    )
    hazard_level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(LEVELS)))

    @validates_schema
    def _plain_value(self, data, **_kwargs):
        value = data.get("value")
        if isinstance(value, (dict, list)) or (isinstance(value, str) and len(value) > 2000):
            raise ValidationError("应为文字、数值或空 / a string, a number or null", "value")
        if isinstance(value, float) and value != value:  # pragma: no cover (strict JSON refuses NaN before this)
            raise ValidationError("not a number", "value")


ANSWER_FIELDS = frozenset(("item", "value", "note", "photo_ids", "raise_hazard", "hazard_level"))


def _plain_answer(answer) -> dict | None:
    """One answer as AnswerSchema loads it, checked by the same rules in plain Python; None for anything it would
    not take as it is (then AnswerSchema itself decides, and words the errors)."""
    if type(answer) is not dict or not answer.keys() <= ANSWER_FIELDS:
        return None
    item = answer.get("item")
    if type(item) is not str or not KEY.regex.match(item):
        return None
    value = answer.get("value")
    plain = value is None or type(value) in (bool, int) or (type(value) is float and value == value)
    if not plain and (type(value) is not str or len(value) > 2000):
        return None
    note = answer.get("note", "")
    if type(note) is not str or len(note) > 2000:
        return None
    photo_ids = answer.get("photo_ids", [])
    if type(photo_ids) is not list or len(photo_ids) > 20 or any(type(p) is not str for p in photo_ids):
        return None
    try:
        photo_ids = [uuid.UUID(p) for p in photo_ids]
    except ValueError:
        return None
    raise_hazard, level = answer.get("raise_hazard"), answer.get("hazard_level")
    if raise_hazard is not None and type(raise_hazard) is not bool:
        return None
    if level is not None and (type(level) is not str or level not in LEVELS):
        return None
    return {
        "item": item,
        "value": value,
        "note": note,
        "photo_ids": photo_ids,
        "raise_hazard": raise_hazard,
        "hazard_level": level,
    }


class Answers(fields.List):
    """The answers, a list of AnswerSchema: a list that AnswerSchema would take as it is (nearly every one) is
    checked in plain Python by the same rules, at a tenth of marshmallow's cost for 68 answers; any other goes
    through AnswerSchema, which words the errors. The list's validators run either way."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(AnswerSchema), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list:
            plain = [_plain_answer(answer) for answer in value]
            if None not in plain:
                return plain
        return super()._deserialize(value, attr, data, **kwargs)


def _answers_once(answers):
    items = [a["item"] for a in answers]
    if len(set(items)) != len(items):
        raise ValidationError("每个检查项只答一次 / one answer per item")


class AcknowledgementSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    signature_photo_id = fields.UUID(required=True, metadata={"description": "the signature drawn on the phone"})


class InspectionCreateSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; sending it again is safe"})
    template_id = fields.UUID(required=True, metadata={"description": "the version the inspection was made on"})
    site_id = fields.UUID(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(list(MODES)))
    started_at = fields.AwareDateTime(required=True, metadata={"description": "the phone's clock"})
    finished_at = fields.AwareDateTime(required=True, metadata={"description": "the phone's clock"})
    checkin_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "proves presence"})
    co_inspector_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10))
    expert_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10))
    answers = Answers(required=True, validate=[validate.Length(max=1000), _answers_once])
    acknowledgement = fields.Nested(AcknowledgementSchema, load_default=None, allow_none=True)

    @validates_schema
    def _in_order(self, data, **_kwargs):
        if data["finished_at"] < data["started_at"]:
            raise ValidationError("结束时间早于开始时间 / finished before it started", "finished_at")


class CorrectionSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "made on the phone; a replay is found, not repeated"})
    based_on = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "the revision it corrects: the current one, else 412 with the current"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    answers = Answers(required=True, validate=[validate.Length(max=1000), _answers_once])


class InspectionQuerySchema(QuerySchema):
    site_id = fields.UUID()
    template_id = fields.UUID()
    family_id = fields.UUID()
    mode = fields.String(validate=validate.OneOf(list(MODES)))
    hazard_id = fields.UUID(metadata={"description": "the inspection a hazard came from"})
    flagged = fields.Boolean()
    # the dashboards' inspection figures drill down to this list with these (server/dashboards)
    area_id = AreaId(metadata={"description": "at sites within this area (a subtree)"})
    sector = fields.String(validate=validate.OneOf(list(SECTORS)))
    site_type = fields.String(validate=validate.OneOf(list(SITE_TYPES)))
    from_ = fields.Date(
        data_key="from",
        validate=validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31)),
        metadata={"description": "finished from this day, Asia/Shanghai"},
    )
    to = fields.Date(
        validate=validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31)),
        metadata={"description": "finished up to this day, Asia/Shanghai, inclusive"},
    )


class InspectorSchema(OutputSchema):
    user_id = fields.UUID()
    name = fields.String(allow_none=True)
    role = fields.String()


class LinkedHazardSchema(OutputSchema):
    item = fields.String()
    hazard_id = fields.UUID()


class InspectionSchema(OutputSchema):
    id = fields.UUID()
    template_id = fields.UUID()
    template_name = fields.String()
    template_number = fields.Integer()
    site_id = fields.UUID()
    site_name = fields.String(allow_none=True)
    grid_id = fields.Integer()
    enterprise_id = fields.UUID(allow_none=True)
    sector = fields.String(allow_none=True)
    mode = fields.String()
    inspectors = fields.List(fields.Nested(InspectorSchema))
    started_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime()
    clock_offset_s = fields.Float(allow_none=True)
    started_at_server = fields.AwareDateTime()
    finished_at_server = fields.AwareDateTime()
    received_at = fields.AwareDateTime()
    checkin_id = fields.UUID(allow_none=True)
    flags = fields.List(fields.String(), metadata={"description": ", ".join(FLAGS)})
    flagged = fields.Boolean()
    acknowledgement = fields.Dict(allow_none=True)
    revision = fields.Integer()
    answers = fields.List(fields.Dict())
    photos = fields.List(fields.Dict(), metadata={"description": "every photo cited, with its state"})
    score = fields.Dict(metadata={"description": "the server's computation on the template version used"})
    explanation = fields.List(fields.String(), metadata={"description": "how the score was reached"})
    points = fields.Float()
    max_points = fields.Float()
    percentage = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    hazards = fields.List(fields.Nested(LinkedHazardSchema))


class RecordQuerySchema(QuerySchema):
    revision = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "a revision's number: the current one if left out"}
    )


class RevisionSchema(OutputSchema):
    id = fields.UUID()
    number = fields.Integer()
    reason = fields.String()
    author_id = fields.UUID()
    created_at = fields.AwareDateTime()
    answers = fields.List(fields.Dict())
    score = fields.Dict()


# ---- rankings ----------------------------------------------------------------------------------------------


class Month(fields.String):
    """A month, YYYY-MM (Asia/Shanghai), read as its first day."""

    def __init__(self, **kwargs):
        super().__init__(
            validate=validate.Regexp(r"^20[0-9]{2}-(0[1-9]|1[0-2])$", error="应为 YYYY-MM / give the month as YYYY-MM"),
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        for check in self.validators:
            check(text)
        return date(int(text[:4]), int(text[5:7]), 1)

    def _validate(self, value):  # checked on the text above: the date it makes is not a string
        pass


class RankingQuerySchema(QuerySchema):
    family_id = fields.UUID(required=True, metadata={"description": "the checklist (every version of it)"})
    month = Month(required=True, metadata={"description": "YYYY-MM, in Asia/Shanghai"})
    bottom = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={"description": "the last N"})
    bottom_share = fields.Float(
        validate=validate.Range(min=0, max=1, min_inclusive=False), metadata={"description": "or a share of them"}
    )

    @validates_schema
    def _one_bottom(self, data, **_kwargs):
        if "bottom" in data and "bottom_share" in data:
            raise ValidationError("bottom 与 bottom_share 二选一 / give bottom or bottom_share", "bottom")


class RankingHistoryQuerySchema(RankingQuerySchema):
    site_id = fields.UUID(required=True)
    months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=36))
    month = Month(required=True, metadata={"description": "the last month shown, YYYY-MM"})


class ConfirmSchema(InputSchema):
    family_id = fields.UUID(required=True)
    month = Month(required=True, metadata={"description": "YYYY-MM, in Asia/Shanghai"})
    bottom = fields.Integer(strict=True, validate=validate.Range(min=1, max=1000))
    bottom_share = Number(validate=validate.Range(min=0, max=1, min_inclusive=False))

    @validates_schema
    def _one_bottom(self, data, **_kwargs):
        if "bottom" in data and "bottom_share" in data:
            raise ValidationError("bottom 与 bottom_share 二选一 / give bottom or bottom_share", "bottom")


class SummonsQuerySchema(QuerySchema):
    family_id = fields.UUID()
    month = fields.String(validate=validate.Regexp(r"^20[0-9]{2}-(0[1-9]|1[0-2])$"))


class SummonsSchema(OutputSchema):
    id = fields.UUID()
    family_id = fields.UUID()
    month = fields.String()
    site_id = fields.UUID()
    site_name = fields.String(allow_none=True)
    template_name = fields.String(allow_none=True, metadata={"description": "the checklist's newest version's name"})
    enterprise_id = fields.UUID(allow_none=True)
    sector = fields.String(allow_none=True)
    rank = fields.Integer()
    previous_rank = fields.Integer()
    ranked = fields.Integer()
    score = fields.Float()
    confirmed_by = fields.UUID(
        allow_none=True, metadata={"description": "who confirmed the month; null: the server, when the month ended"}
    )
    created_at = fields.AwareDateTime(metadata={"description": "when it was flagged"})
    read = fields.Boolean(allow_none=True, metadata={"description": "read in your inbox; null: it was not sent to you"})


class UnitMonthSchema(OutputSchema):
    month = fields.String()
    assessed = fields.Boolean()
    assessments = fields.Integer()
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    ranked = fields.Integer()
    bottom = fields.Boolean()
    summon = fields.Boolean()


class RankedUnitSchema(OutputSchema):
    site_id = fields.UUID()
    site_name = fields.String()
    enterprise_name = fields.String(allow_none=True)
    assessed = fields.Boolean(metadata={"description": "false: 未考核, no assessment this month"})
    assessments = fields.Integer()
    score = fields.Float(allow_none=True, metadata={"description": "the mean percentage of the month's assessments"})
    rank = fields.Integer(allow_none=True, metadata={"description": "ties share a rank"})
    bottom = fields.Boolean(metadata={"description": "in the bottom group this month"})
    previous_rank = fields.Integer(allow_none=True)
    previous_bottom = fields.Boolean()
    summon = fields.Boolean(metadata={"description": "in the bottom group two months running: 约谈"})


class PlainRows(fields.List):
    """A long list of flat rows whose values are JSON already but for ids (a ranking's 1,000 units): each row's fields
    as its schema declares them, ids as text, without marshmallow's work per field, which was half of a ranking's
    time. Documented as the list of that schema it is."""

    def __init__(self, schema, **kwargs):
        super().__init__(fields.Nested(schema), **kwargs)
        self.names = list(schema().fields)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return [{name: _plain(row[name]) for name in self.names} for row in value]


def _plain(value):
    return str(value) if isinstance(value, uuid.UUID) else value


class RankingSchema(OutputSchema):
    family_id = fields.UUID()
    template_id = fields.UUID(metadata={"description": "the version that names it now"})
    template_name = fields.String()
    month = fields.String()
    ranked = fields.Integer(metadata={"description": "how many units were assessed, in your view or not"})
    bottom_size = fields.Integer()
    units = PlainRows(RankedUnitSchema, metadata={"description": "ranked first, then 未考核"})


class InspectionSummarySchema(OutputSchema):
    """An inspection the user took part in, as the delta feed carries it (kind `inspection`): no answers."""

    id = fields.UUID()
    template_id = fields.UUID()
    template_name = fields.String()
    template_kind = fields.String()
    site_id = fields.UUID()
    site_name = fields.String(allow_none=True)
    mode = fields.String()
    started_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime()
    finished_at_server = fields.AwareDateTime()
    inspectors = fields.List(fields.Nested(InspectorSchema))
    acknowledged_by = fields.String(allow_none=True, metadata={"description": "the inspected party's signatory"})
    revision = fields.Integer()
    points = fields.Float()
    max_points = fields.Float()
    percentage = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    flags = fields.List(fields.String())
    hazards = fields.List(fields.Nested(LinkedHazardSchema))


# ---- the two-monthly scorecards (双月考核) ----------------------------------------------------------------------


class ScorecardQuerySchema(QuerySchema):
    level = fields.String(load_default="street", validate=validate.OneOf(["street", "department"]))
    period = fields.String(
        validate=validate.Regexp(
            r"^[0-9]{4}-B[1-6]$", error="应为 YYYY-Bn（n 为 1–6）/ give the period as YYYY-Bn, n 1-6"
        ),
        metadata={"description": "YYYY-Bn: B1 January–February … B6 November–December; default the last complete one"},
    )


class ScorecardLineSchema(OutputSchema):
    key = fields.String()
    name = fields.String()
    rule = fields.String(metadata={"description": "what is counted"})
    kind = fields.String(metadata={"description": "rate: weight × part / whole; deduction: weight − per_item × count"})
    part = fields.Integer(allow_none=True)
    whole = fields.Integer(allow_none=True)
    value = fields.Float(allow_none=True, metadata={"description": "a rate's percentage"})
    count = fields.Integer(allow_none=True)
    per_item = fields.Float(allow_none=True)
    weight = fields.Float()
    applies = fields.Boolean(metadata={"description": "false: 0/0, left out of the points and the maximum"})
    points = fields.Float(allow_none=True)
    explanation = fields.String()


class ScorecardSchema(OutputSchema):
    area_id = fields.Integer(allow_none=True, metadata={"description": "a street's"})
    sector = fields.String(allow_none=True, metadata={"description": "a department's (the sector its desk covers)"})
    unit_name = fields.String()
    rank = fields.Integer(allow_none=True, metadata={"description": "ties share a rank; null: nothing applied"})
    score = fields.Float(allow_none=True, metadata={"description": "points / max_points × 100"})
    points = fields.Float()
    max_points = fields.Float(metadata={"description": "the weights of the lines that applied"})
    lines = fields.List(fields.Nested(ScorecardLineSchema))


class ScorecardsSchema(OutputSchema):
    level = fields.String()
    period = fields.String()
    label = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    complete = fields.Boolean(metadata={"description": "false: the period is in progress, its figures so far"})
    demo_weighting = fields.Boolean(metadata={"description": "the demo's (演示) weighting, not SCORECARD_WEIGHTS"})
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    ranked = fields.Integer(metadata={"description": "how many units were ranked, in your view or not"})
    units = fields.List(fields.Nested(ScorecardSchema))
