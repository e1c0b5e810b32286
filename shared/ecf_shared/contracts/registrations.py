from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register
from ecf_shared.contracts.fields import TRN, URN


class PersonRefSchema(Schema):
    user_id = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    name = fields.String(allow_none=True, load_default=None)
    organisation_id = fields.String(allow_none=True, load_default=None)


class TrainingSchema(Schema):
    training_period_id = fields.UUID(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(("provider_led", "school_led")))
    lead_provider_id = fields.UUID(allow_none=True, load_default=None)
    delivery_partner_id = fields.UUID(allow_none=True, load_default=None)
    partnership_id = fields.UUID(allow_none=True, load_default=None)
    expression_of_interest = fields.Boolean(load_default=False)
    cohort = fields.Integer(required=True)
    schedule = fields.String(allow_none=True, load_default=None)
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "deferred", "withdrawn")))
    started_on = fields.Date(required=True)
    finished_on = fields.Date(allow_none=True, load_default=None)


class EctRegisteredSchema(Schema):
    ect_period_id = fields.UUID(required=True)
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    school_id = fields.UUID(required=True)
    school_urn = URN(allow_none=True, load_default=None)
    started_on = fields.Date(required=True)
    email = fields.Email(required=True)
    working_pattern = fields.String(required=True, validate=validate.OneOf(("full_time", "part_time")))
    appropriate_body_id = fields.UUID(allow_none=True, load_default=None)
    qts_awarded_on = fields.Date(allow_none=True, load_default=None)
    training = fields.Nested(TrainingSchema, required=True)
    registered_by = fields.Nested(PersonRefSchema, required=True)
    registered_at = fields.AwareDateTime(required=True)


register(
    Contract("registrations.ect.registered", 1, "registrations", ("inductions", "lp-api"), EctRegisteredSchema,
             "A school registered an ECT: the teacher, the ECT period, the first training period and who registered them."),
)
