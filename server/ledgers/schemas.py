"""Ledgers on the wire: the format asked for, and an export's progress."""

from marshmallow import fields, validate

from server.core.api import InputSchema, OutputSchema
from server.ledgers.models import FORMATS, STATES


class ExportRequestSchema(InputSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(list(FORMATS)))


class ExportSchema(OutputSchema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "hazards, inspections, enterprises, sites, checkins"})
    title = fields.String(metadata={"description": "the ledger's Chinese name (隐患台账, ...)"})
    format = fields.String(metadata={"description": "xlsx or csv"})
    filters = fields.Dict(metadata={"description": "the list's query parameters it was asked with"})
    state = fields.String(metadata={"description": ", ".join(STATES)})
    total = fields.Integer(metadata={"description": "rows counted when it was asked for"})
    done = fields.Integer(metadata={"description": "rows written so far"})
    progress = fields.Float(metadata={"description": "done / total, 0 to 1"})
    size = fields.Integer(allow_none=True, metadata={"description": "bytes, once ready"})
    file_name = fields.String()
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
