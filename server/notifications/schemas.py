"""The inbox on the wire."""

from marshmallow import fields

from server.core.api import OutputSchema, QuerySchema


class NotificationSchema(OutputSchema):
    id = fields.UUID()
    kind = fields.String(
        metadata={
            "description": "new_report, ack_warning, ack_escalation, transferred, notice, "
            "deadline_near, overdue, reinspection_due, returned, ordered, invited, summons, ledger_ready"
        }
    )
    title = fields.String(metadata={"description": "in the client's language"})
    hazard_id = fields.UUID(allow_none=True)
    record_type = fields.String(
        allow_none=True,
        metadata={
            "description": "about another record than a hazard: summons (约谈), ledger (a ledger export), or null"
        },
    )
    record_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class InboxQuerySchema(QuerySchema):
    unread = fields.Boolean()
