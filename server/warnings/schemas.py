"""Warnings on the wire: a CAP message (发布 / 变更 / 解除), a recipient's receipt, and coverage (indicator 8)."""

from marshmallow import fields, validate

from server.core.api import InputSchema, OutputSchema, QuerySchema
from server.warnings.models import EVENTS, LEVELS, MESSAGE_TYPES, RECIPIENT_ROLES, SENDERS, STATUSES


def _areas(**options):
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the streets, communities and grids it covers"},
        **options,
    )


class WarningIssueSchema(InputSchema):
    id = fields.UUID(metadata={"description": "the issuing screen's id: sending it again answers the stored message"})
    sender = fields.String(
        load_default="district",
        validate=validate.OneOf(list(SENDERS)),
        metadata={"description": "the district, or relayed from the city or the weather service"},
    )
    status = fields.String(load_default="actual", validate=validate.OneOf(list(STATUSES)))
    event = fields.String(required=True, validate=validate.OneOf(list(EVENTS)))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    area_ids = _areas(required=True)
    headline = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    instruction = fields.String(load_default="", validate=validate.Length(max=5000))
    effective_at = fields.AwareDateTime(metadata={"description": "default: now"})
    expires_at = fields.AwareDateTime(required=True)


class WarningUpdateSchema(InputSchema):
    id = fields.UUID(metadata={"description": "the screen's id for the new message (idempotent)"})
    level = fields.String(validate=validate.OneOf(list(LEVELS)))
    event = fields.String(validate=validate.OneOf(list(EVENTS)))
    area_ids = _areas()
    headline = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    instruction = fields.String(validate=validate.Length(max=5000))
    effective_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class WarningCancelSchema(InputSchema):
    id = fields.UUID(metadata={"description": "the screen's id for the cancellation (idempotent)"})
    description = fields.String(validate=validate.Length(max=5000), metadata={"description": "why it ends"})


DONE_AT = (
    "when it was done, on the phone's clock (Device-Time corrects it, as a hazard's observed_at); kept within the "
    "message's sending and the arrival; the arrival when absent"
)


class WarningAcknowledgeSchema(InputSchema):
    client_id = fields.UUID(required=True, metadata={"description": "the phone's id for this 已阅 (its outbox item)"})
    done_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={"description": DONE_AT})


class WarningRelaySchema(InputSchema):
    client_id = fields.UUID(required=True, metadata={"description": "the phone's id for this 已传达"})
    households = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100000))
    photo_id = fields.UUID(allow_none=True, metadata={"description": "a photo of the relaying, sent on its own"})
    note = fields.String(load_default="", validate=validate.Length(max=500))
    done_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={"description": DONE_AT})


class WarningQuerySchema(QuerySchema):
    current = fields.Boolean(metadata={"description": "only messages in force (not replaced, cancelled or expired)"})
    mine = fields.Boolean(metadata={"description": "only those sent to the caller"})


class WarningReceiptSchema(OutputSchema):
    role = fields.String(metadata={"description": ", ".join(RECIPIENT_ROLES)})
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    relayed_at = fields.AwareDateTime(allow_none=True)
    ack_done_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was read (the phone's time)"})
    relay_done_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was relayed"})
    households = fields.Integer(allow_none=True)
    relay_photo_id = fields.UUID(allow_none=True)
    relay_note = fields.String()
    must_relay = fields.Boolean(metadata={"description": "a grid worker: asked to confirm relaying it (已传达)"})


class WarningTotalsSchema(OutputSchema):
    recipients = fields.Integer()
    acknowledged = fields.Integer()
    relayed = fields.Integer()
    relayers = fields.Integer(metadata={"description": "recipients asked to relay it (grid workers)"})
    households = fields.Integer()
    share = fields.Float(metadata={"description": "acknowledged / recipients, 0-1 (1 when nobody is concerned)"})
    read_in_time = fields.Integer(
        allow_none=True,
        metadata={"description": "read before the first reminder, by when it was read (coverage only)"},
    )


class WarningSchema(OutputSchema):
    id = fields.UUID()
    identifier = fields.String(metadata={"description": "CAP identifier"})
    root_id = fields.UUID(metadata={"description": "the alert every message of this warning shares"})
    references = fields.UUID(allow_none=True, metadata={"description": "the message it updates or cancels"})
    superseded_by = fields.UUID(allow_none=True, metadata={"description": "the later message that replaced it"})
    sender = fields.String(metadata={"description": ", ".join(SENDERS)})
    sender_name = fields.String()
    sent_at = fields.AwareDateTime()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    msg_type = fields.String(metadata={"description": ", ".join(MESSAGE_TYPES)})
    category = fields.String(metadata={"description": "CAP category: Met, Geo, Fire, Safety, Health"})
    event = fields.String(metadata={"description": ", ".join(EVENTS)})
    level = fields.String(metadata={"description": ", ".join(LEVELS)})
    title = fields.String(metadata={"description": "红色暴雨预警, in the client's language"})
    area_ids = fields.List(fields.Integer())
    area_names = fields.List(fields.String())
    headline = fields.String()
    description = fields.String()
    instruction = fields.String()
    effective_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    in_force = fields.Boolean(metadata={"description": "not replaced, not a cancellation, not expired"})
    is_demo = fields.Boolean()
    receipt = fields.Nested(
        WarningReceiptSchema, allow_none=True, metadata={"description": "the caller's, if a recipient"}
    )
    totals = fields.Nested(WarningTotalsSchema, allow_none=True, metadata={"description": "for the offices"})


class WarningAreaCoverageSchema(WarningTotalsSchema):
    area_id = fields.Integer()
    name = fields.String()


class WarningRoleCoverageSchema(WarningTotalsSchema):
    role = fields.String()


class WarningCoverageSchema(OutputSchema):
    warning_id = fields.UUID()
    read_in_time_by = fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "the first reminder's due time: read_in_time counts those read before"},
    )
    totals = fields.Nested(WarningTotalsSchema)
    by_street = fields.List(fields.Nested(WarningAreaCoverageSchema))
    by_grid = fields.List(fields.Nested(WarningAreaCoverageSchema))
    by_role = fields.List(fields.Nested(WarningRoleCoverageSchema))


class WarningPushConfigSchema(OutputSchema):
    enabled = fields.Boolean(metadata={"description": "whether a push service is configured (VAPID)"})
    public_key = fields.String(allow_none=True, metadata={"description": "the VAPID public key to subscribe with"})
