"""Registering mentors (one, or many from a CSV) and assigning them to ECTs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, UTC

from ecf_shared.auth.actor import Principal
from ecf_shared.dates import add_days
from ecf_shared.errors import AppError, Conflict, Invalid
from ecf_shared.uow import UnitOfWork
from registrations import audit, integrity, payloads, views
from ecf_shared.emails.settings import EmailSettings
from registrations.bulk_csv import check_every_row
from registrations.confirmations import confirm_bulk_registration, confirm_registration
from registrations.commands import DEFAULT_SCHEDULE, school_for
from registrations.domain import rules
from registrations.domain.model import EctPeriod, MentorPeriod, Mentorship, SchoolCopy, Teacher, TrainingPeriod
from registrations.partnerships import linked, train_through_partnership
from registrations.periods import for_change, insert, organisation


@dataclass
class CheckedMentor:
    cmd: dict
    record: dict  # trs-sync's record of the teacher (a merged TRN followed to the current one)


def register_mentor(uow: UnitOfWork, principal: Principal, cmd: dict, lookup, settings: EmailSettings) -> dict:
    school = school_for(uow, principal, cmd.get("school_id"))
    view = write_mentor(uow, principal, school, check_mentor(uow, principal, school, cmd, lookup))
    confirm_registration(uow, settings, principal, school, "mentor", view)
    integrity.commit(uow)
    return view


def bulk_register_mentors(uow: UnitOfWork, principal: Principal, school_id, rows: list[tuple[int, dict | AppError]],
                          lookup, settings: EmailSettings) -> list[dict]:
    """`rows` pairs each CSV line number with its parsed command or the error parsing it. Every row is checked first,
    TRS included; any error writes nothing."""
    school = school_for(uow, principal, school_id)
    checked = check_every_row(rows, lambda cmd: check_mentor(uow, principal, school, cmd, lookup),
                              key=lambda cmd: cmd["trn"], key_field="trn", nothing_done="nothing was registered",
                              checked_key=lambda checked: checked.record["trn"])
    views_ = [write_mentor(uow, principal, school, c) for c in checked]
    confirm_bulk_registration(uow, settings, principal, school, "mentor", views_)
    integrity.commit(uow)
    return views_


def check_mentor(uow, principal: Principal, school: SchoolCopy, cmd: dict, lookup) -> CheckedMentor:
    rules.check_mentor_programme(cmd["training_programme"])
    organisation(uow, cmd["lead_provider_id"], "lead_provider", "lead_provider_id")
    rules.check_start_date(cmd["started_on"], date.today())
    rules.check_cohort(cmd["cohort"], cmd["started_on"])
    return CheckedMentor(cmd, check_mentor_teacher(uow, principal, school, cmd["trn"], cmd["date_of_birth"], lookup))


def check_mentor_teacher(uow, principal: Principal, school: SchoolCopy, trn: str, date_of_birth: date, lookup) -> dict:
    """The checks about the teacher: TRS knows them by TRN and date of birth, they are not prohibited, and they are not
    a mentor here already. Returns trs-sync's record of them."""
    record = lookup.find(trn, date_of_birth, token=principal.token)
    rules.check_may_mentor(record)
    _teacher_not_mentoring_here(uow, record["trn"], school.id, lock=False)
    return record


def _teacher_not_mentoring_here(uow, trn: str, school_id: str, *, lock: bool) -> Teacher | None:
    q = uow.session.query(Teacher).filter_by(trn=trn)
    teacher = (q.with_for_update() if lock else q).first()
    if teacher is not None and uow.session.query(MentorPeriod).filter_by(teacher_id=teacher.id, school_id=school_id,
                                                                         finished_on=None).first():
        raise rules.already_mentoring()
    return teacher


def write_mentor(uow: UnitOfWork, principal: Principal, school: SchoolCopy, checked: CheckedMentor) -> dict:
    cmd, record = checked.cmd, checked.record
    teacher = _teacher_not_mentoring_here(uow, record["trn"], school.id, lock=True)
    if teacher is None:
        teacher = Teacher(trn=record["trn"], first_name=record["first_name"], last_name=record["last_name"])
        insert(uow, rules.already_mentoring(), teacher)
    mentor = MentorPeriod(teacher_id=teacher.id, school_id=school.id, started_on=cmd["started_on"], email=cmd["email"],
                          registered_by_user_id=principal.user_id, registered_by_email=principal.email,
                          registered_by_name=principal.name, registered_for_organisation_id=school.id)
    training = TrainingPeriod(ect_period_id=None, mentor_period_id=mentor.id, programme="provider_led",
                              cohort=cmd["cohort"], started_on=cmd["started_on"], lead_provider_id=str(cmd["lead_provider_id"]),
                              expression_of_interest=True, schedule=DEFAULT_SCHEDULE)
    partnership = train_through_partnership(uow, training, school.id)
    insert(uow, rules.already_mentoring(), mentor, training)
    actor = audit.record_by(uow, principal, school.id, action="mentor_registered", subject_id=mentor.id,
                            teacher_id=teacher.id, details={"trn": teacher.trn, "started_on": mentor.started_on,
                                                            "email": mentor.email, "cohort": training.cohort,
                                                            "lead_provider_id": training.lead_provider_id,
                                                            **(linked(training) if partnership else {})})
    uow.publish("registrations.mentor.registered", {
        "mentor_period_id": mentor.id, "teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
        "last_name": teacher.last_name, "school_id": school.id, "school_urn": school.urn,
        "started_on": mentor.started_on, "email": mentor.email, "training": payloads.training(training),
        "registered_by": payloads.registered_by(principal, school.id), "registered_at": datetime.now(UTC),
    }, actor=actor)
    return views.mentor_view(mentor, teacher, training)


def assign_mentor(uow: UnitOfWork, principal: Principal, ect_id, cmd: dict) -> dict:
    """Assign (or change) an ECT's mentor from `started_on`; a current mentorship ends the day before."""
    ect = for_change(uow, principal, EctPeriod, ect_id, "ECT registration")
    # Shared lock: the mentor cannot leave (or their dates change) until this assignment commits or fails.
    mentor = uow.session.get(MentorPeriod, str(cmd["mentor_id"]), with_for_update={"read": True})
    if mentor is None:
        raise Invalid("Unknown mentor.", fields={"mentor_id": ["Not a known mentor registration."]})
    started_on = cmd["started_on"]
    rules.check_mentorship(ect_school_id=ect.school_id, ect_teacher_id=ect.teacher_id, ect_started_on=ect.started_on,
                           ect_finished_on=ect.finished_on, mentor_school_id=mentor.school_id,
                           mentor_teacher_id=mentor.teacher_id, mentor_started_on=mentor.started_on,
                           mentor_finished_on=mentor.finished_on, started_on=started_on)
    actor = principal.event_actor(ect.school_id)
    current = uow.session.query(Mentorship).filter_by(ect_period_id=ect.id, finished_on=None).with_for_update().first()
    if current is not None:
        if current.mentor_period_id == mentor.id:
            raise Conflict("This mentor is already this ECT's mentor.", code="already_mentor")
        rules.check_finish(add_days(current.started_on, 1), started_on, field="started_on")
        current.finished_on = add_days(started_on, -1)
        previous = uow.session.get(MentorPeriod, current.mentor_period_id)
        uow.publish("registrations.mentorship.ended",
                    payloads.mentorship(current, ect.school_id, ect.teacher_id, previous.teacher_id), actor=actor)
    ends = [d for d in (ect.finished_on, mentor.finished_on) if d is not None]
    mentorship = Mentorship(ect_period_id=ect.id, mentor_period_id=mentor.id, started_on=started_on,
                            finished_on=min(ends) if ends else None)
    insert(uow, Conflict("This ECT already has a mentor for those dates.", code="mentorship_overlaps"), mentorship)
    audit.record_by(uow, principal, ect.school_id, action="mentor_assigned", subject_id=ect.id, teacher_id=ect.teacher_id,
                    details={"mentorship_id": mentorship.id, "mentor_period_id": mentor.id,
                             "previous_mentorship_id": current.id if current else None, "started_on": started_on})
    uow.publish("registrations.mentorship.started",
                payloads.mentorship(mentorship, ect.school_id, ect.teacher_id, mentor.teacher_id), actor=actor)
    integrity.commit(uow)
    return {"mentorship_id": mentorship.id, "ect_id": ect.id, "mentor_id": mentor.id, "started_on": started_on,
            "finished_on": mentorship.finished_on}
