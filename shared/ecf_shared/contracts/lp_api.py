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


DECLARATION_TYPES = ("started", "retained-1", "retained-2", "retained-3", "retained-4", "completed", "extended-1",
                     "extended-2", "extended-3")
DECLARATION_STATES = ("submitted", "eligible", "ineligible", "payable", "paid", "voided", "awaiting_clawback",
                      "clawed_back")


class DeclarationSchema(Schema):
    """A participant declaration as it stands after the change (the whole declaration)."""
    declaration_id = fields.UUID(required=True)
    lead_provider_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True, metadata={"description": "the teacher id"})
    participant_type = fields.String(required=True, validate=validate.OneOf(("ect", "mentor")))
    course_identifier = fields.String(required=True, validate=validate.OneOf(("ecf-induction", "ecf-mentor")))
    declaration_type = fields.String(required=True, validate=validate.OneOf(DECLARATION_TYPES))
    declaration_date = fields.AwareDateTime(required=True)
    evidence_held = fields.String(allow_none=True, load_default=None)
    cohort = fields.Integer(required=True)
    delivery_partner_id = fields.UUID(allow_none=True, load_default=None)
    state = fields.String(required=True, validate=validate.OneOf(DECLARATION_STATES))
    previous_state = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(DECLARATION_STATES))
    ineligible_reason = fields.String(allow_none=True, load_default=None)
    statement_id = fields.UUID(allow_none=True, load_default=None, metadata={"description": "the statement paying it"})
    clawback_statement_id = fields.UUID(allow_none=True, load_default=None,
                                        metadata={"description": "the statement clawing it back"})


class StatementSchema(Schema):
    statement_id = fields.UUID(required=True)
    lead_provider_id = fields.UUID(required=True)
    cohort = fields.Integer(required=True)
    year = fields.Integer(required=True)
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))
    cut_off_date = fields.Date(required=True)
    payment_date = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("open", "payable", "paid")))


register(
    Contract("lp-api.partnership.created", 1, "lp-api", ("registrations",), PartnershipSchema,
             "A lead provider recorded a partnership (lead provider + delivery partner + school, for a cohort).",
             ("partnership_id",)),
    Contract("lp-api.partnership.updated", 1, "lp-api", ("registrations",), PartnershipSchema,
             "A lead provider changed a partnership's delivery partner.", ("partnership_id",)),
    Contract("lp-api.participant.action_requested", 1, "lp-api", ("registrations",), ParticipantActionSchema,
             "A lead provider withdrew, deferred, resumed or changed the schedule of a participant; registrations applies it."),
    Contract("lp-api.declaration.recorded", 1, "lp-api", (), DeclarationSchema,
             "A lead provider declared that a participant reached a milestone: eligible (attached to its next open "
             "output statement) or ineligible (a duplicate of another provider's).", ("declaration_id",)),
    Contract("lp-api.declaration.state_changed", 1, "lp-api", (), DeclarationSchema,
             "A declaration moved on: payable (its statement's cut-off passed), paid or clawed back (its statement was "
             "paid), voided, or awaiting clawback (a paid one voided).", ("declaration_id",)),
    Contract("lp-api.statement.payable", 1, "lp-api", (), StatementSchema,
             "An output statement's cut-off date passed: its eligible declarations are payable.", ("statement_id",)),
    Contract("lp-api.statement.paid", 1, "lp-api", (), StatementSchema,
             "DfE finance marked an output statement paid: its declarations are paid, its clawbacks clawed back.",
             ("statement_id",)),
)
