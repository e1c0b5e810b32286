"""Handlers for the school's commands: plain functions of a unit of work and the command's data."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.exc import IntegrityError

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import writable
from ecf_shared.errors import Invalid
from ecf_shared.uow import UnitOfWork
from registrations.domain import rules
from registrations.domain.model import EctPeriod, SchoolCopy, Teacher, TrainingPeriod


def _organisation(uow, organisation_id: str | None, expected_type: str, field: str) -> SchoolCopy | None:
    if organisation_id is None:
        return None
    org = uow.session.get(SchoolCopy, str(organisation_id))
    if org is None or org.type != expected_type:
        raise Invalid(f"Unknown {expected_type.replace('_', ' ')}.", fields={field: [f"Not a known {expected_type.replace('_', ' ')}."]})
    return org


def register_ect(uow: UnitOfWork, principal: Principal, cmd: dict, lookup) -> dict:
    school_id = writable(principal, organisation_id=cmd.get("school_id"), permission="register_teachers",
                         organisation_types=("school",), field="school_id")
    school = _organisation(uow, school_id, "school", "school_id")
    if school.status == "closed":
        raise Invalid("This school is closed.", code="school_closed", fields={"school_id": ["School is closed."]})
    _organisation(uow, cmd.get("appropriate_body_id"), "appropriate_body", "appropriate_body_id")
    _organisation(uow, cmd.get("lead_provider_id"), "lead_provider", "lead_provider_id")
    rules.check_programme(cmd["training_programme"], cmd.get("lead_provider_id"))
    rules.check_start_date(cmd["started_on"], date.today())

    record = lookup.find(cmd["trn"], cmd["date_of_birth"], token=principal.token)
    warnings = rules.check_teacher_may_start_induction(record)
    trn = record["trn"]  # a merged TRN has been followed to the current one

    teacher = uow.session.query(Teacher).filter_by(trn=trn).with_for_update().first()
    if teacher is None:
        teacher = Teacher(trn=trn, first_name=record["first_name"], last_name=record["last_name"])
        uow.session.add(teacher)
    else:
        open_period = uow.session.query(EctPeriod).filter_by(teacher_id=teacher.id, finished_on=None).first()
        if open_period is not None:
            raise rules.already_registered(open_period.school_id == school_id)

    ect = EctPeriod(teacher_id=teacher.id, school_id=school_id, started_on=cmd["started_on"], email=cmd["email"],
                    working_pattern=cmd["working_pattern"], appropriate_body_id=_str(cmd.get("appropriate_body_id")),
                    registered_by_user_id=principal.user_id, registered_by_email=principal.email,
                    registered_by_name=principal.name, registered_for_organisation_id=school_id)
    training = TrainingPeriod(ect_period_id=ect.id, programme=cmd["training_programme"], cohort=cmd["cohort"],
                              started_on=cmd["started_on"], lead_provider_id=_str(cmd.get("lead_provider_id")),
                              expression_of_interest=cmd["training_programme"] == "provider_led",
                              schedule="ecf-standard-september" if cmd["training_programme"] == "provider_led" else None)
    uow.session.add_all([ect, training])
    try:
        uow.session.flush()
    except IntegrityError:
        # Another request registered the same teacher at the same moment: the database said no.
        uow.session.rollback()
        raise rules.already_registered(True) from None

    actor = principal.event_actor(school_id)
    uow.publish("registrations.ect.registered", {
        "ect_period_id": ect.id, "teacher_id": teacher.id, "trn": teacher.trn,
        "first_name": teacher.first_name, "last_name": teacher.last_name,
        "school_id": school_id, "school_urn": school.urn, "started_on": ect.started_on, "email": ect.email,
        "working_pattern": ect.working_pattern, "appropriate_body_id": ect.appropriate_body_id,
        "qts_awarded_on": record.get("qts_awarded_on"),
        "training": {"training_period_id": training.id, "programme": training.programme,
                     "lead_provider_id": training.lead_provider_id, "expression_of_interest": training.expression_of_interest,
                     "cohort": training.cohort, "schedule": training.schedule, "status": training.status,
                     "started_on": training.started_on},
        "registered_by": {"user_id": principal.user_id, "email": principal.email, "name": principal.name,
                          "organisation_id": school_id},
        "registered_at": datetime.now(timezone.utc),
    }, actor=actor)
    uow.commit()
    return {"id": ect.id, "teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
            "last_name": teacher.last_name, "school_id": school_id, "started_on": ect.started_on, "email": ect.email,
            "working_pattern": ect.working_pattern, "appropriate_body_id": ect.appropriate_body_id,
            "training_programme": training.programme, "lead_provider_id": training.lead_provider_id,
            "cohort": training.cohort, "registered_by": {"user_id": principal.user_id, "email": principal.email,
                                                         "name": principal.name},
            "warnings": warnings}


def _str(value) -> str | None:
    return str(value) if value is not None else None
