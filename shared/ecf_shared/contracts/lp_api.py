from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register


class PartnershipSchema(Schema):
    partnership_id = fields.UUID(required=True)
    lead_provider_id = fields.UUID(required=True)
    delivery_partner_id = fields.UUID(required=True)
    school_id = fields.UUID(required=True)
    cohort = fields.Integer(required=True)
    previous_delivery_partner_id = fields.UUID(allow_none=True, load_default=None)


class ParticipantActionSchema(Schema):
    participant_id = fields.UUID(required=True, metadata={"description": "the teacher id"})
    lead_provider_id = fields.UUID(required=True)
    participant_type = fields.String(required=True, validate=validate.OneOf(("ect", "mentor")))
    course_identifier = fields.String(required=True, validate=validate.OneOf(("ecf-induction", "ecf-mentor")))
    action = fields.String(required=True, validate=validate.OneOf(("withdraw", "defer", "resume", "change_schedule")))
    reason = fields.String(allow_none=True, load_default=None)
    schedule_identifier = fields.String(allow_none=True, load_default=None)
    cohort = fields.Integer(allow_none=True, load_default=None)
    effective_on = fields.Date(required=True)


register(
    Contract("lp-api.partnership.created", 1, "lp-api", ("registrations",), PartnershipSchema,
             "A lead provider recorded a partnership (lead provider + delivery partner + school, for a cohort).",
             ("partnership_id",)),
    Contract("lp-api.partnership.updated", 1, "lp-api", ("registrations",), PartnershipSchema,
             "A lead provider changed a partnership's delivery partner.", ("partnership_id",)),
    Contract("lp-api.participant.action_requested", 1, "lp-api", ("registrations",), ParticipantActionSchema,
             "A lead provider withdrew, deferred, resumed or changed the schedule of a participant; registrations applies it."),
)
