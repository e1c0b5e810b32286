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


class MentorRegisteredSchema(Schema):
    mentor_period_id = fields.UUID(required=True)
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    school_id = fields.UUID(required=True)
    school_urn = URN(allow_none=True, load_default=None)
    started_on = fields.Date(required=True)
    email = fields.Email(required=True)
    training = fields.Nested(TrainingSchema, allow_none=True, load_default=None)
    registered_by = fields.Nested(PersonRefSchema, required=True)
    registered_at = fields.AwareDateTime(required=True)


class MentorshipSchema(Schema):
    mentorship_id = fields.UUID(required=True)
    school_id = fields.UUID(required=True)
    ect_period_id = fields.UUID(required=True)
    ect_teacher_id = fields.UUID(required=True)
    mentor_period_id = fields.UUID(required=True)
    mentor_teacher_id = fields.UUID(required=True)
    started_on = fields.Date(required=True)
    finished_on = fields.Date(allow_none=True, load_default=None)


PARTICIPANT_TYPES = ("ect", "mentor")


class TeacherLeftSchema(Schema):
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    participant_type = fields.String(required=True, validate=validate.OneOf(PARTICIPANT_TYPES))
    period_id = fields.UUID(required=True)
    school_id = fields.UUID(required=True)
    finished_on = fields.Date(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class TeacherMovedSchema(Schema):
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    from_period_id = fields.UUID(required=True)
    from_school_id = fields.UUID(required=True)
    to_period_id = fields.UUID(required=True)
    to_school_id = fields.UUID(required=True)
    to_school_urn = URN(allow_none=True, load_default=None)
    moved_on = fields.Date(required=True)
    email = fields.Email(required=True)
    working_pattern = fields.String(required=True, validate=validate.OneOf(("full_time", "part_time")))
    appropriate_body_id = fields.UUID(allow_none=True, load_default=None)
    training = fields.Nested(TrainingSchema, required=True)
    registered_by = fields.Nested(PersonRefSchema, required=True)


class TrainingChangedSchema(Schema):
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    participant_type = fields.String(required=True, validate=validate.OneOf(PARTICIPANT_TYPES))
    period_id = fields.UUID(required=True, metadata={"description": "the ECT or mentor period"})
    school_id = fields.UUID(required=True)
    change = fields.String(required=True, validate=validate.OneOf((
        "programme_changed", "lead_provider_changed", "partnership_linked", "schedule_changed",
        "withdrawn", "deferred", "resumed")))
    reason = fields.String(allow_none=True, load_default=None)
    effective_on = fields.Date(required=True)
    previous_training_period_id = fields.UUID(allow_none=True, load_default=None)
    training = fields.Nested(TrainingSchema, required=True)
    requested_at = fields.AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "for a change that applies a lead provider's request (lp-api.participant.action_requested): "
                       "when it was asked for, so lp-api does not let this echo undo a later request it already shows"})


class TeacherDetailsChangedSchema(Schema):
    teacher_id = fields.UUID(required=True)
    trn = TRN(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    participant_type = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PARTICIPANT_TYPES))
    period_id = fields.UUID(allow_none=True, load_default=None)
    email = fields.Email(allow_none=True, load_default=None)
    appropriate_body_id = fields.UUID(allow_none=True, metadata={
        "description": "for an ECT period: the appropriate body the school reports (absent in mentor events)"})


register(
    Contract("registrations.ect.registered", 1, "registrations", ("inductions", "lp-api"), EctRegisteredSchema,
             "A school registered an ECT: the teacher, the ECT period, the first training period and who registered them.",
             ("teacher_id", "ect_period_id")),
    Contract("registrations.mentor.registered", 1, "registrations", ("lp-api",), MentorRegisteredSchema,
             "A school registered a mentor (who may mentor at several schools).", ("teacher_id", "mentor_period_id")),
    Contract("registrations.mentorship.started", 1, "registrations", ("lp-api",), MentorshipSchema,
             "A mentor was assigned to an ECT at the same school.", ("mentorship_id",)),
    Contract("registrations.mentorship.ended", 1, "registrations", ("lp-api",), MentorshipSchema,
             "A mentorship ended (changed mentor, or either left).", ("mentorship_id",)),
    Contract("registrations.teacher.left_school", 1, "registrations", ("inductions", "lp-api"), TeacherLeftSchema,
             "An ECT or mentor left a school; the periods that depend on it were finished.", ("teacher_id", "period_id")),
    Contract("registrations.teacher.moved_school", 1, "registrations", ("inductions", "lp-api"), TeacherMovedSchema,
             "An ECT moved to another school; history is kept.",
             ("teacher_id", "from_period_id", "to_period_id")),
    Contract("registrations.training.changed", 1, "registrations", ("lp-api",), TrainingChangedSchema,
             "A training period changed: programme, lead provider, partnership, schedule, or withdrawn/deferred/resumed.",
             ("teacher_id", "period_id")),
    Contract("registrations.teacher.details_changed", 1, "registrations", ("inductions", "lp-api"),
             TeacherDetailsChangedSchema, "A teacher's name or email was corrected, or the appropriate body a school reports for "
             "an ECT changed.", ("teacher_id",)),
)
