"""The vocabularies (词表): the codes the API uses, with their Chinese and English names, for the field app to show.

Above every domain it lists. A new vocabulary is a field of VocabulariesSchema and an entry of TABLES.
"""
from marshmallow import fields

from server.areas.models import LEVEL_NAMES
from server.auth.scope import ROLES
from server.core.api import OutputSchema
from server.enterprises.models import SECTORS
from server.sites.models import RISK_LEVELS, SITE_TYPES


class TermSchema(OutputSchema):
    code = fields.String()
    zh = fields.String()
    en = fields.String()


class VocabulariesSchema(OutputSchema):
    roles = fields.List(fields.Nested(TermSchema))
    area_levels = fields.List(fields.Nested(TermSchema))
    site_types = fields.List(fields.Nested(TermSchema))
    risk_levels = fields.List(fields.Nested(TermSchema))
    sectors = fields.List(fields.Nested(TermSchema))


# name in the answer → its table: code → (Chinese, English, anything else the domain keeps there)
TABLES = {"roles": ROLES, "area_levels": LEVEL_NAMES, "site_types": SITE_TYPES, "risk_levels": RISK_LEVELS,
          "sectors": SECTORS}


def vocabularies() -> dict:
    return {name: _terms(table) for name, table in TABLES.items()}


def _terms(table):
    return [{"code": code, "zh": names[0], "en": names[1]} for code, names in table.items()]
