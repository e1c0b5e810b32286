"""HTTP entrypoints: thin functions that turn a request into a command or query."""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from ecf_shared.web import fields
from ecf_shared.web.app import accepts_any_body, context
from ecf_shared.web.auth import current_principal
from registrations import changes, choices, commands, eligibility, leaving, mentors, views
from registrations.bulk_csv import ECT_REGISTRATIONS, LEAVERS, MENTOR_REGISTRATIONS, read_rows
from registrations.domain.listing import SORTS, STATUSES, Listing
from registrations.domain.model import PROGRAMMES, WORKING_PATTERNS

blp = Blueprint("registrations", __name__, description="ECT and mentor registrations, mentorships and training")

TRN = fields.String(required=True, validate=validate.Regexp(r"^\d{7}$", error="A TRN is 7 digits."))
SCHOOL_ID = fields.UUID(load_default=None, metadata={"description": "Required in blended mode; hat mode uses the acting school."})
EMAIL = fields.Email(validate=validate.Length(max=320))
MOVING = fields.Boolean(load_default=False, metadata={
    "description": "Confirms the teacher is moving here from a school where they are still registered: that "
                   "registration ends the day before this one starts."})


class RegisterEctSchema(Schema):
    school_id = SCHOOL_ID
    trn = TRN
    date_of_birth = fields.Date(required=True)
    started_on = fields.Date(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=320))
    working_pattern = fields.String(required=True, validate=validate.OneOf(WORKING_PATTERNS))
    appropriate_body_id = fields.UUID(load_default=None)
    training_programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    lead_provider_id = fields.UUID(load_default=None)
    cohort = fields.Integer(required=True, validate=validate.Range(min=2021, max=2100))
    moving_from_another_school = MOVING


class CheckMentorSchema(Schema):
    school_id = SCHOOL_ID
    trn = TRN
    date_of_birth = fields.Date(required=True)


class CheckEctSchema(CheckMentorSchema):
    moving_from_another_school = MOVING


class EctChangeSchema(Schema):
    email = EMAIL
    working_pattern = fields.String(validate=validate.OneOf(WORKING_PATTERNS))
    appropriate_body_id = fields.UUID()


class MentorChangeSchema(Schema):
    email = EMAIL


class RegisterMentorSchema(Schema):
    school_id = SCHOOL_ID
    trn = TRN
    date_of_birth = fields.Date(required=True)
    started_on = fields.Date(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=320))
    training_programme = fields.String(load_default="provider_led", validate=validate.OneOf(PROGRAMMES),
                                       metadata={"description": "Mentor training is always provider-led."})
    lead_provider_id = fields.UUID(required=True)
    cohort = fields.Integer(required=True, validate=validate.Range(min=2021, max=2100))


class LeaveSchema(Schema):
    finished_on = fields.Date(required=True, metadata={"description": "The last day at the school."})
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class TrainingChangeSchema(Schema):
    training_programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    lead_provider_id = fields.UUID(load_default=None)
    started_on = fields.Date(required=True, metadata={"description": "The new training starts; the old ends the day before."})


class MentorTrainingChangeSchema(Schema):
    training_programme = fields.String(load_default="provider_led", validate=validate.OneOf(PROGRAMMES),
                                       metadata={"description": "Mentor training is always provider-led."})
    lead_provider_id = fields.UUID(required=True)
    started_on = fields.Date(required=True, metadata={"description": "The new training starts; the old ends the day before."})


class LeaverRowSchema(Schema):
    trn = TRN
    participant_type = fields.String(load_default="ect", validate=validate.OneOf(("ect", "mentor")))
    finished_on = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class MentorshipRequestSchema(Schema):
    mentor_id = fields.UUID(required=True, metadata={"description": "The mentor registration at the ECT's school."})
    started_on = fields.Date(required=True)


class CorrectionSchema(Schema):
    school_id = fields.UUID(load_default=None)
    first_name = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    last_name = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    email = fields.Email(load_default=None, validate=validate.Length(max=320))


class PersonSchema(Schema):
    user_id = fields.String()
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class _TeacherAtSchoolSchema(Schema):
    id = fields.String()
    teacher_id = fields.String()
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    school_id = fields.String()
    started_on = fields.Date()
    finished_on = fields.Date(allow_none=True)
    email = fields.String()
    training_programme = fields.String(allow_none=True)
    lead_provider_id = fields.String(allow_none=True)
    delivery_partner_id = fields.String(allow_none=True)
    expression_of_interest = fields.Boolean()
    cohort = fields.Integer(allow_none=True)
    schedule = fields.String(allow_none=True)
    training_status = fields.String(allow_none=True)
    training_started_on = fields.Date(allow_none=True, metadata={
        "description": "when the current training period started (a change takes effect the day after, at the earliest)"})
    registered_by = fields.Nested(PersonSchema)
    warnings = fields.List(fields.String())
    status = fields.String(metadata={"description": "current (not finished, or finishing after today) or left"})
    school_name = fields.String(allow_none=True)
    lead_provider_name = fields.String(allow_none=True)
    delivery_partner_name = fields.String(allow_none=True)


class EctSchema(_TeacherAtSchoolSchema):
    working_pattern = fields.String()
    appropriate_body_id = fields.String(allow_none=True)
    appropriate_body_name = fields.String(allow_none=True)
    mentor_id = fields.String(allow_none=True)
    mentor_name = fields.String(allow_none=True, metadata={"description": "the mentor of the ECT's open mentorship"})
    mentorship_started_on = fields.Date(allow_none=True, metadata={
        "description": "when the open mentorship started (a change of mentor takes effect the day after, at the earliest)"})


class MenteeSchema(Schema):
    id = fields.String(metadata={"description": "the ECT registration"})
    teacher_id = fields.String()
    first_name = fields.String()
    last_name = fields.String()


class MentorSchema(_TeacherAtSchoolSchema):
    mentees = fields.List(fields.Nested(MenteeSchema), metadata={"description": "the ECTs of open mentorships"})


class RegisteredElsewhereSchema(Schema):
    school_name = fields.String(allow_none=True)
    started_on = fields.Date()


class EligibleSchema(Schema):
    trn = fields.String(metadata={"description": "TRS's current TRN (a merged one is followed)"})
    first_name = fields.String()
    last_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    qts_awarded_on = fields.Date(allow_none=True)
    induction_status = fields.String(allow_none=True, metadata={"description": "as TRS holds it"})
    warnings = fields.List(fields.String())
    registered_elsewhere = fields.Nested(RegisteredElsewhereSchema, allow_none=True, metadata={
        "description": "the open registration at another school the teacher is moving from (ECTs, when the move "
                       "is confirmed)"})


class AppropriateBodyChoiceSchema(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "teaching_school_hub, national or local_authority"})


class LeadProviderChoiceSchema(Schema):
    id = fields.String()
    name = fields.String()


class LastEctChoicesSchema(Schema):
    appropriate_body_id = fields.String(allow_none=True)
    training_programme = fields.String(allow_none=True)
    lead_provider_id = fields.String(allow_none=True)


class ChoicesSchema(Schema):
    appropriate_bodies = fields.List(fields.Nested(AppropriateBodyChoiceSchema))
    lead_providers = fields.List(fields.Nested(LeadProviderChoiceSchema))
    last_ect_choices = fields.Nested(LastEctChoicesSchema, allow_none=True, metadata={
        "description": "the choices of the school's most recently registered ECT (its latest training)"})


class MentorshipSchema(Schema):
    mentorship_id = fields.String()
    ect_id = fields.String()
    mentor_id = fields.String()
    started_on = fields.Date()
    finished_on = fields.Date(allow_none=True)


class LeftSchema(Schema):
    id = fields.String()
    finished_on = fields.Date()


class LeaverSchema(LeftSchema):
    trn = fields.String()
    participant_type = fields.String()


class TeacherSchema(Schema):
    id = fields.String()
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String(allow_none=True)


class AuditEntrySchema(Schema):
    id = fields.String()
    at = fields.DateTime()
    action = fields.String()
    outcome = fields.String(metadata={"description": "applied, or refused (a lead provider request a rule refused)"})
    subject_id = fields.String()
    teacher_id = fields.String(allow_none=True)
    school_id = fields.String(allow_none=True)
    actor = fields.Dict(metadata={"description": "type, user_id, email and name at the time, organisation acted for"})
    acting_for_reason = fields.String(allow_none=True)
    details = fields.Dict()


class SchoolQuerySchema(Schema):
    school_id = fields.UUID()


class ListQuerySchema(SchoolQuerySchema):
    q = fields.String(validate=[validate.Length(max=200), validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL.")],
                      metadata={"description": "a name (first, last or \"first last\", any case, part of it) or a TRN "
                                               "(7 digits exactly, fewer: the TRNs starting with them)"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "current: not finished, or finishing after today; left: finished on or before today; "
                       "absent: all"})
    sort = fields.String(load_default="created_at", validate=validate.OneOf(SORTS), metadata={
        "description": "created_at (registration order, the default) or name (last name, first name, TRN)"})


class AuditQuerySchema(Schema):
    subject = fields.UUID(required=True, metadata={"description": "an ECT or mentor registration id, or a teacher id"})


def _lookup():
    return context().extras["teacher_lookup"]


def _page(read, query: dict, pagination_parameters) -> list[dict]:
    """One page of a list; flask-smorest is told how many rows all the pages hold (its X-Pagination header)."""
    listing = Listing(q=query.get("q"), status=query.get("status"), sort=query["sort"], page=pagination_parameters.page,
                      page_size=pagination_parameters.page_size)
    with context().uow() as uow:
        items, pagination_parameters.item_count = read(uow, current_principal(), listing, school_id=query.get("school_id"))
        return items


LIST_PAGES = dict(page_size=views.LIST_LIMIT, max_page_size=views.LIST_LIMIT)


@blp.route("/ects")
class Ects(MethodView):
    @blp.arguments(RegisterEctSchema)
    @blp.response(201, EctSchema)
    def post(self, body):
        """Register an ECT at a school (the TRN and date of birth are checked against TRS)."""
        with context().uow() as uow:
            return commands.register_ect(uow, current_principal(), body, _lookup(), context().settings)

    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, EctSchema(many=True))
    @blp.paginate(**LIST_PAGES)
    def get(self, query, pagination_parameters):
        """ECTs at the schools I may read (hat: the acting school; blended: all mine, or one by school_id), searched
        by name or TRN, current or left, a page at a time (X-Pagination header)."""
        return _page(views.ect_page, query, pagination_parameters)


@blp.route("/ects/check", methods=["POST"])
@blp.arguments(CheckEctSchema)
@blp.response(200, EligibleSchema)
def check_ect(body):
    """May this teacher be registered as an ECT here? The checks registering runs about the teacher (TRS, induction
    not completed, not prohibited, not registered here, nor elsewhere unless moving), answering the refusal
    registering would give; nothing is written. A 409 registered_elsewhere names the other school in
    details.registered_elsewhere; confirming the move answers it in registered_elsewhere instead."""
    with context().uow() as uow:
        return eligibility.check_ect(uow, current_principal(), body, _lookup())


@blp.route("/ects/bulk", methods=["POST"])
@accepts_any_body
@blp.response(201, EctSchema(many=True))
def register_ects_in_bulk():
    """Register up to 1,000 ECTs from a CSV (text/csv, or multipart with a `file`); the school is `school_id`
    (query or form field) in blended mode. Every row is checked first, TRS included; any error writes nothing and
    the errors are listed by line. Columns: trn, date_of_birth, started_on, email, working_pattern,
    appropriate_body_id, training_programme, lead_provider_id, cohort, and optionally moving_from_another_school
    (true for a teacher moving here from a school where they are still registered: that registration ends the day
    before this one starts)."""
    school_id = request.args.get("school_id") or request.form.get("school_id")
    rows = read_rows(request, RegisterEctSchema, ECT_REGISTRATIONS)
    with context().uow() as uow:
        return commands.bulk_register(uow, current_principal(), school_id, rows, _lookup(), context().settings)


@blp.route("/ects/<uuid:ect_id>")
class Ect(MethodView):
    @blp.response(200, EctSchema)
    def get(self, ect_id):
        """One ECT registration, if it is at a school I may read."""
        with context().uow() as uow:
            return views.one(views.ects(uow, current_principal(), ect_id=ect_id), "ECT registration")

    @blp.arguments(EctChangeSchema)
    @blp.response(200, EctSchema)
    def patch(self, body, ect_id):
        """Change the ECT's email, working pattern or appropriate body (audited; not once they have left)."""
        with context().uow() as uow:
            return changes.change_registration(uow, current_principal(), "ect", ect_id, body)


@blp.route("/ects/<uuid:ect_id>/leave", methods=["POST"])
@blp.arguments(LeaveSchema)
@blp.response(200, LeftSchema)
def ect_leaves(body, ect_id):
    """The ECT leaves the school: their training and mentorship there end on the same day."""
    with context().uow() as uow:
        return leaving.leave(uow, current_principal(), "ect", ect_id, body)


@blp.route("/ects/<uuid:ect_id>/training", methods=["POST"])
@blp.arguments(TrainingChangeSchema)
@blp.response(200, EctSchema)
def change_training(body, ect_id):
    """Change the ECT's training programme or lead provider from a date (history is kept)."""
    with context().uow() as uow:
        return changes.change_training(uow, current_principal(), "ect", ect_id, body)


@blp.route("/ects/<uuid:ect_id>/mentorship", methods=["POST"])
@blp.arguments(MentorshipRequestSchema)
@blp.response(201, MentorshipSchema)
def assign_mentor(body, ect_id):
    """Assign or change the ECT's mentor (same school, inside both registrations)."""
    with context().uow() as uow:
        return mentors.assign_mentor(uow, current_principal(), ect_id, body)


@blp.route("/mentors")
class Mentors(MethodView):
    @blp.arguments(RegisterMentorSchema)
    @blp.response(201, MentorSchema)
    def post(self, body):
        """Register a mentor at a school (checked against TRS); a mentor may mentor at several schools."""
        with context().uow() as uow:
            return mentors.register_mentor(uow, current_principal(), body, _lookup(), context().settings)

    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, MentorSchema(many=True))
    @blp.paginate(**LIST_PAGES)
    def get(self, query, pagination_parameters):
        """Mentors at the schools I may read, searched by name or TRN, current or left, a page at a time."""
        return _page(views.mentor_page, query, pagination_parameters)


@blp.route("/mentors/check", methods=["POST"])
@blp.arguments(CheckMentorSchema)
@blp.response(200, EligibleSchema)
def check_mentor(body):
    """May this teacher be registered as a mentor here? The checks registering runs about the teacher (TRS, not
    prohibited, not a mentor here already), answering the refusal registering would give; nothing is written."""
    with context().uow() as uow:
        return eligibility.check_mentor(uow, current_principal(), body, _lookup())


@blp.route("/mentors/bulk", methods=["POST"])
@accepts_any_body
@blp.response(201, MentorSchema(many=True))
def register_mentors_in_bulk():
    """Register up to 1,000 mentors from a CSV (text/csv, or multipart with a `file`); the school is `school_id`
    (query or form field) in blended mode. Every row is checked first, TRS included; any error writes nothing and
    the errors are listed by line. Columns: trn, date_of_birth, started_on, email, lead_provider_id, cohort, and
    optionally training_programme (always provider_led for mentors)."""
    school_id = request.args.get("school_id") or request.form.get("school_id")
    rows = read_rows(request, RegisterMentorSchema, MENTOR_REGISTRATIONS)
    with context().uow() as uow:
        return mentors.bulk_register_mentors(uow, current_principal(), school_id, rows, _lookup(),
                                             context().settings)


@blp.route("/mentors/<uuid:mentor_id>")
class Mentor(MethodView):
    @blp.response(200, MentorSchema)
    def get(self, mentor_id):
        """One mentor registration, if it is at a school I may read."""
        with context().uow() as uow:
            return views.one(views.mentors(uow, current_principal(), mentor_id=mentor_id), "mentor registration")

    @blp.arguments(MentorChangeSchema)
    @blp.response(200, MentorSchema)
    def patch(self, body, mentor_id):
        """Change the mentor's email (audited; not once they have left)."""
        with context().uow() as uow:
            return changes.change_registration(uow, current_principal(), "mentor", mentor_id, body)


@blp.route("/mentors/<uuid:mentor_id>/leave", methods=["POST"])
@blp.arguments(LeaveSchema)
@blp.response(200, LeftSchema)
def mentor_leaves(body, mentor_id):
    """The mentor leaves the school: their training and mentorships there end on the same day."""
    with context().uow() as uow:
        return leaving.leave(uow, current_principal(), "mentor", mentor_id, body)


@blp.route("/mentors/<uuid:mentor_id>/training", methods=["POST"])
@blp.arguments(MentorTrainingChangeSchema)
@blp.response(200, MentorSchema)
def change_mentor_training(body, mentor_id):
    """Change the mentor's lead provider from a date (history is kept; mentor training is always provider-led)."""
    with context().uow() as uow:
        return changes.change_training(uow, current_principal(), "mentor", mentor_id, body)


@blp.route("/leavers/bulk", methods=["POST"])
@accepts_any_body
@blp.response(200, LeaverSchema(many=True))
def record_leavers_in_bulk():
    """Record up to 1,000 ECTs and mentors leaving the school from a CSV (text/csv, or multipart with a `file`); the
    school is `school_id` (query or form field) in blended mode. Each leaver's training and mentorships there end on
    the same day. Every row is checked first; any error writes nothing and the errors are listed by line. Columns:
    trn, finished_on (the last day at the school), and optionally participant_type (ect, the default, or mentor)
    and reason."""
    school_id = request.args.get("school_id") or request.form.get("school_id")
    rows = read_rows(request, LeaverRowSchema, LEAVERS)
    with context().uow() as uow:
        return leaving.bulk_leave(uow, current_principal(), school_id, rows)


@blp.route("/teachers/<uuid:teacher_id>", methods=["PATCH"])
@blp.arguments(CorrectionSchema)
@blp.response(200, TeacherSchema)
def correct_teacher(body, teacher_id):
    """Correct a teacher's name, or the email the school holds for them."""
    with context().uow() as uow:
        return changes.correct_details(uow, current_principal(), teacher_id, body)


@blp.route("/schools/<uuid:school_id>/choices", methods=["GET"])
@blp.response(200, ChoicesSchema)
def school_choices(school_id):
    """What the registration wizard offers the school: the appropriate bodies it may name, the open lead providers,
    and the choices of its most recently registered ECT."""
    with context().uow() as uow:
        return choices.for_school(uow, current_principal(), school_id)


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
def audit_trail(query):
    """Who changed what about a registration or teacher (the registering user first), at schools I may read."""
    with context().uow() as uow:
        return views.audit_trail(uow, current_principal(), str(query["subject"]))
