"""The vocabularies (词表): the codes the API uses, with their Chinese and English names, for the field app to show.

Above every domain it lists. A new vocabulary is a field of VocabulariesSchema and an entry of TABLES; the hazard
loop describes itself (hazards.machine.vocabulary: its states, its actions with their forms, the record's events).
"""

from marshmallow import fields

from server.areas.models import LEVEL_NAMES
from server.auth.scope import ROLES
from server.core.api import OutputSchema
from server.draws import models as draws
from server.enterprises.models import SECTORS
from server.hazards import machine
from server.hazards.models import DOCUMENT_KINDS, LEVELS
from server.inspections import models as inspections, scoring
from server.people.models import ROLE_AREA_LEVELS
from server.plans import models as plans
from server.sites.models import RISK_LEVELS, SITE_TYPES


class TermSchema(OutputSchema):
    code = fields.String()
    zh = fields.String()
    en = fields.String()


class RoleTermSchema(TermSchema):
    scope = fields.String(metadata={"description": "held within: area, sector (in an area) or enterprise"})
    area_levels = fields.List(fields.String(), metadata={"description": "the area levels it may be given at"})


class ChoiceSchema(OutputSchema):
    value = fields.Raw(metadata={"description": "what the change sends for it"})
    zh = fields.String()
    en = fields.String()


class HintSchema(OutputSchema):
    zh = fields.String()
    en = fields.String()


class FormFieldSchema(OutputSchema):
    name = fields.String()
    kind = fields.String(
        metadata={"description": "text, textarea, date, bool, photos, sector, hazard, plan or officer"}
    )
    zh = fields.String()
    en = fields.String()
    required = fields.Boolean()
    parts = fields.List(
        fields.Nested(lambda: FormFieldSchema(exclude=("required",))), metadata={"description": "a plan's own fields"}
    )
    choices = fields.List(
        fields.Nested(ChoiceSchema),
        metadata={"description": "the answers offered, each asked for explicitly; the record names the one given"},
    )
    hint = fields.Nested(HintSchema, allow_none=True, metadata={"description": "a line of help under the field"})
    role = fields.String(
        allow_none=True,
        metadata={"description": "an officer: the role of the colleague picked (/api/v1/colleagues?role=)"},
    )


class HazardActionSchema(OutputSchema):
    code = fields.String()
    zh = fields.String()
    en = fields.String()
    from_ = fields.List(
        fields.String(), attribute="from", data_key="from", metadata={"description": "the states it applies from"}
    )
    to = fields.String(allow_none=True, metadata={"description": "the state it leads to; null: the state stays"})
    by = fields.List(
        fields.String(),
        metadata={
            "description": "the roles that may take it (some only where the hazard meets a condition: a "
            "department acknowledges only what was transferred to it; a hazard's `allowed_actions` say)"
        },
    )
    fields_ = fields.List(
        fields.Nested(FormFieldSchema),
        attribute="fields",
        data_key="fields",
        metadata={"description": "its form, field by field"},
    )


class VocabulariesSchema(OutputSchema):
    roles = fields.List(fields.Nested(RoleTermSchema), metadata={"description": "with what a role is given within"})
    area_levels = fields.List(fields.Nested(TermSchema))
    site_types = fields.List(fields.Nested(TermSchema))
    risk_levels = fields.List(fields.Nested(TermSchema))
    sectors = fields.List(fields.Nested(TermSchema))
    hazard_levels = fields.List(fields.Nested(TermSchema), metadata={"description": "一般 and 重大"})
    hazard_states = fields.List(fields.Nested(TermSchema))
    hazard_actions = fields.List(fields.Nested(HazardActionSchema), metadata={"description": "the loop (隐患闭环)"})
    record_actions = fields.List(fields.Nested(TermSchema), metadata={"description": "other events of a record"})
    hazard_fields = fields.List(
        fields.Nested(lambda: FormFieldSchema(exclude=("required",))),
        metadata={"description": "the hazard's fields as its page names them (a form may name one otherwise)"},
    )
    hazard_flags = fields.List(
        fields.Nested(TermSchema), metadata={"description": "what a hazard's `flags` shows beside its state"}
    )
    document_kinds = fields.List(fields.Nested(TermSchema), metadata={"description": "the loop's documents (文书)"})
    # inspections (检查): their templates, modes, answers, and what flags them
    template_kinds = fields.List(fields.Nested(TermSchema))
    template_states = fields.List(fields.Nested(TermSchema))
    inspection_modes = fields.List(fields.Nested(TermSchema))
    inspector_roles = fields.List(fields.Nested(TermSchema))
    answer_types = fields.List(fields.Nested(TermSchema))
    answer_outcomes = fields.List(fields.Nested(TermSchema))
    critical_scopes = fields.List(fields.Nested(TermSchema), metadata={"description": "否决项: what failing it fails"})
    fail_requirements = fields.List(fields.Nested(TermSchema), metadata={"description": "what a failing answer needs"})
    inspection_flags = fields.List(fields.Nested(TermSchema))
    inspection_events = fields.List(
        fields.Nested(TermSchema), metadata={"description": "the events of inspections, checklists and summonses"}
    )
    # 双随机 draws: their states, and the events of draws and declared conflicts
    draw_states = fields.List(fields.Nested(TermSchema))
    draw_events = fields.List(fields.Nested(TermSchema))
    # patrol plans (巡查计划) and their tasks
    plan_frequencies = fields.List(fields.Nested(TermSchema))
    plan_assignees = fields.List(fields.Nested(TermSchema), metadata={"description": "who does a plan's tasks"})
    task_states = fields.List(fields.Nested(TermSchema))
    task_events = fields.List(fields.Nested(TermSchema), metadata={"description": "the events of a task"})


# name in the answer → its table: code → (Chinese, English, anything else the domain keeps there); roles have their own
TABLES = {
    "area_levels": LEVEL_NAMES,
    "site_types": SITE_TYPES,
    "risk_levels": RISK_LEVELS,
    "sectors": SECTORS,
    "document_kinds": DOCUMENT_KINDS,
    "hazard_levels": LEVELS,
    "template_kinds": inspections.KINDS,
    "template_states": inspections.TEMPLATE_STATES,
    "inspection_modes": inspections.MODES,
    "inspector_roles": inspections.INSPECTOR_ROLES,
    "answer_types": scoring.ANSWER_TYPES,
    "answer_outcomes": scoring.OUTCOMES,
    "critical_scopes": scoring.CRITICAL,
    "fail_requirements": scoring.FAIL_REQUIRES,
    "inspection_flags": inspections.FLAGS,
    "inspection_events": inspections.EVENTS,
    "draw_states": draws.STATES,
    "draw_events": draws.EVENTS,
    "plan_frequencies": {**plans.FREQUENCIES, plans.ONCE: plans.ONCE_NAME},
    "plan_assignees": plans.ASSIGNEES,
    "plan_kinds": plans.PLAN_KINDS,
    "task_states": plans.TASK_STATES,
    "task_events": plans.EVENTS,
}


def vocabularies() -> dict:
    return {
        **{name: _terms(table) for name, table in TABLES.items()},
        "roles": [
            {"code": code, "zh": zh, "en": en, "scope": scope, "area_levels": list(ROLE_AREA_LEVELS.get(code, ()))}
            for code, (zh, en, scope) in ROLES.items()
        ],
        **machine.vocabulary(),
    }


def _terms(table):
    return [{"code": code, "zh": names[0], "en": names[1]} for code, names in table.items()]
