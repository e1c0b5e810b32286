"""HTTP entrypoints: thin functions that turn a request into a command or query."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ecf_shared.auth.authorisation import readable
from ecf_shared.errors import NotFound
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from registrations import commands
from registrations.domain.model import PROGRAMMES, WORKING_PATTERNS, EctPeriod, Teacher, TrainingPeriod

blp = Blueprint("registrations", __name__, description="ECT registrations")


class RegisterEctSchema(Schema):
    school_id = fields.UUID(load_default=None, metadata={"description": "Required in blended mode; hat mode uses the acting school."})
    trn = fields.String(required=True, validate=validate.Regexp(r"^\d{7}$", error="A TRN is 7 digits."))
    date_of_birth = fields.Date(required=True)
    started_on = fields.Date(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=320))
    working_pattern = fields.String(required=True, validate=validate.OneOf(WORKING_PATTERNS))
    appropriate_body_id = fields.UUID(load_default=None)
    training_programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    lead_provider_id = fields.UUID(load_default=None)
    cohort = fields.Integer(required=True, validate=validate.Range(min=2021, max=2100))


class PersonSchema(Schema):
    user_id = fields.String()
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class EctSchema(Schema):
    id = fields.String()
    teacher_id = fields.String()
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    school_id = fields.String()
    started_on = fields.Date()
    finished_on = fields.Date(allow_none=True)
    email = fields.String()
    working_pattern = fields.String()
    appropriate_body_id = fields.String(allow_none=True)
    training_programme = fields.String()
    lead_provider_id = fields.String(allow_none=True)
    cohort = fields.Integer()
    registered_by = fields.Nested(PersonSchema)
    warnings = fields.List(fields.String())


class EctQuerySchema(Schema):
    school_id = fields.UUID()


def _view(ect: EctPeriod, teacher: Teacher, training: TrainingPeriod) -> dict:
    return {"id": ect.id, "teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
            "last_name": teacher.last_name, "school_id": ect.school_id, "started_on": ect.started_on,
            "finished_on": ect.finished_on, "email": ect.email, "working_pattern": ect.working_pattern,
            "appropriate_body_id": ect.appropriate_body_id, "training_programme": training.programme,
            "lead_provider_id": training.lead_provider_id, "cohort": training.cohort,
            "registered_by": {"user_id": ect.registered_by_user_id, "email": ect.registered_by_email,
                              "name": ect.registered_by_name}}


def _query(uow):
    return (uow.session.query(EctPeriod, Teacher, TrainingPeriod)
            .join(Teacher, Teacher.id == EctPeriod.teacher_id)
            .join(TrainingPeriod, TrainingPeriod.ect_period_id == EctPeriod.id))


@blp.route("/ects")
class Ects(MethodView):
    @blp.arguments(RegisterEctSchema)
    @blp.response(201, EctSchema)
    def post(self, body):
        """Register an ECT at a school (the TRN and date of birth are checked against TRS)."""
        ctx = context()
        with ctx.uow() as uow:
            return commands.register_ect(uow, current_principal(), body, current_app.extensions["ecf"].extras["teacher_lookup"])

    @blp.arguments(EctQuerySchema, location="query")
    @blp.response(200, EctSchema(many=True))
    def get(self, query):
        """ECTs at the schools I may read (hat: the acting school; blended: all mine, or one by school_id)."""
        scope = readable(current_principal(), organisation_id=query.get("school_id"), organisation_types=("school",))
        with context().uow() as uow:
            q = _query(uow)
            if not scope.everything:
                q = q.filter(EctPeriod.school_id.in_(scope.organisation_ids))
            return [_view(*row) for row in q.order_by(EctPeriod.created_at).limit(1000).all()]


@blp.route("/ects/<uuid:ect_id>")
class Ect(MethodView):
    @blp.response(200, EctSchema)
    def get(self, ect_id):
        """One ECT registration, if it is at a school I may read."""
        scope = readable(current_principal(), organisation_types=("school",))
        with context().uow() as uow:
            row = _query(uow).filter(EctPeriod.id == str(ect_id)).first()
            if row is None or not scope.allows(row[0].school_id):
                raise NotFound("No such ECT registration.")
            return _view(*row)
