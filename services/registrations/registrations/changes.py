"""Changes a school records: training programme or lead provider changes, name or email corrections, a registration's
email, working pattern or appropriate body (leaving is in leaving.py)."""
from __future__ import annotations

from datetime import date, timedelta

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable, writable
from ecf_shared.errors import Conflict, Invalid, NotFound
from ecf_shared.school_periods import registration_status
from ecf_shared.uow import UnitOfWork
from registrations import audit, integrity, payloads, views
from registrations.commands import DEFAULT_SCHEDULE
from registrations.domain import rules
from registrations.domain.model import EctPeriod, MentorPeriod, SchoolCopy, Teacher, TrainingPeriod
from registrations.partnerships import linked, train_through_partnership
from registrations.periods import PERIOD_CLASSES, current_training, for_change, insert, organisation


def change_training(uow: UnitOfWork, principal: Principal, participant_type: str, period_id, cmd: dict) -> dict:
    """Finish the ECT's or mentor's current training period the day before `started_on` and start the new one.
    Mentor training is always provider-led, so for a mentor only the lead provider can change."""
    cls, label = PERIOD_CLASSES[participant_type]
    period = for_change(uow, principal, cls, period_id, label)
    if period.finished_on is not None:
        raise Conflict(f"This {label} has ended: the teacher has left the school.", code="already_left")
    if participant_type == "mentor":
        rules.check_mentor_programme(cmd["training_programme"])
    organisation(uow, cmd.get("lead_provider_id"), "lead_provider", "lead_provider_id")
    rules.check_programme(cmd["training_programme"], cmd.get("lead_provider_id"))
    old = current_training(uow, **{f"{participant_type}_period_id": period.id})
    if old is None:
        raise Conflict(f"This {label} has no current training to change; contact support.", code="no_current_training")
    lead_provider_id = str(cmd["lead_provider_id"]) if cmd.get("lead_provider_id") else None
    if old.programme == cmd["training_programme"] and old.lead_provider_id == lead_provider_id:
        raise Invalid("That is the current training; nothing to change.", code="no_change")
    started_on = cmd["started_on"]
    rules.check_finish(old.started_on + timedelta(days=1), started_on, field="started_on")
    old.finished_on = started_on - timedelta(days=1)
    provider_led = cmd["training_programme"] == "provider_led"
    new = TrainingPeriod(ect_period_id=period.id if participant_type == "ect" else None,
                         mentor_period_id=period.id if participant_type == "mentor" else None,
                         programme=cmd["training_programme"], cohort=old.cohort, started_on=started_on,
                         lead_provider_id=lead_provider_id, expression_of_interest=provider_led,
                         schedule=(old.schedule or DEFAULT_SCHEDULE) if provider_led else None)
    partnership = train_through_partnership(uow, new, period.school_id)
    insert(uow, Conflict("The training changed at the same moment; reload and try again.", code="changed_concurrently"), new)
    change = "programme_changed" if old.programme != new.programme else "lead_provider_changed"
    teacher = uow.session.get(Teacher, period.teacher_id)
    actor = audit.record_by(uow, principal, period.school_id, action=f"training_{change}", subject_id=period.id,
                            teacher_id=teacher.id, details={"previous_training_period_id": old.id,
                                                            "training_period_id": new.id, "started_on": started_on,
                                                            "training_programme": new.programme,
                                                            "lead_provider_id": new.lead_provider_id,
                                                            **(linked(new) if partnership else {})})
    publish_training_changed(uow, teacher, participant_type, period.id, period.school_id, new, change, started_on, actor,
                             previous_training_period_id=old.id)
    integrity.commit(uow)
    show = views.ects if participant_type == "ect" else views.mentors
    return views.one(show(uow, principal, **{f"{participant_type}_id": period.id}), label)


def publish_training_changed(uow, teacher, participant_type, period_id, school_id, training, change, effective_on, actor,
                             *, reason=None, previous_training_period_id=None, requested_at=None) -> None:
    uow.publish("registrations.training.changed", {
        "teacher_id": teacher.id, "trn": teacher.trn, "participant_type": participant_type, "period_id": period_id,
        "school_id": school_id, "change": change, "reason": reason, "effective_on": effective_on,
        "previous_training_period_id": previous_training_period_id, "training": payloads.training(training),
        "requested_at": requested_at}, actor=actor)


def correct_details(uow: UnitOfWork, principal: Principal, teacher_id, cmd: dict) -> dict:
    """Correct a teacher's name, or the email the school holds for them (on their current periods there)."""
    teacher = uow.session.get(Teacher, str(teacher_id), with_for_update=True)
    scope = readable(principal, organisation_types=("school",))
    periods = [] if teacher is None else [
        (kind, p) for kind, cls in (("ect", EctPeriod), ("mentor", MentorPeriod))
        for p in uow.session.query(cls).filter_by(teacher_id=teacher.id, finished_on=None)
        if scope.allows(p.school_id) and (not cmd.get("school_id") or p.school_id == str(cmd["school_id"]))]
    if not periods:
        raise NotFound("No such teacher at your school.")
    school_id = writable(principal, organisation_id=cmd.get("school_id") or periods[0][1].school_id,
                         permission="register_teachers", organisation_types=("school",), field="school_id")
    periods = [(kind, p) for kind, p in periods if p.school_id == school_id]
    changes = {k: cmd[k] for k in ("first_name", "last_name", "email") if cmd.get(k) is not None}
    if not changes:
        raise Invalid("Give a corrected first name, last name or email.", code="no_change")
    teacher.first_name = changes.get("first_name", teacher.first_name)
    teacher.last_name = changes.get("last_name", teacher.last_name)
    actor = audit.record_by(uow, principal, school_id, action="details_corrected", subject_id=teacher.id,
                            teacher_id=teacher.id, details=changes)
    for kind, period in periods:
        period.email = changes.get("email", period.email)
        _publish_details_changed(uow, teacher, kind, period, actor)
    integrity.commit(uow)
    return {"id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name, "last_name": teacher.last_name,
            "email": changes.get("email")}


def _publish_details_changed(uow, teacher: Teacher, participant_type: str, period, actor) -> None:
    data = {"teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
            "last_name": teacher.last_name, "participant_type": participant_type, "period_id": period.id,
            "email": period.email}
    if participant_type == "ect":
        data["appropriate_body_id"] = period.appropriate_body_id
    uow.publish("registrations.teacher.details_changed", data, actor=actor)


CHANGEABLE = {"ect": {"email": "email", "working_pattern": "working pattern", "appropriate_body_id": "appropriate body"},
              "mentor": {"email": "email"}}
# Of these, the email (lp-api shows it to lead providers) and the appropriate body (inductions shows it to appropriate
# bodies) are kept by other services, so only their changes are published.
PUBLISHED = ("email", "appropriate_body_id")


def change_registration(uow: UnitOfWork, principal: Principal, participant_type: str, period_id, cmd: dict) -> dict:
    """Change what the school holds about a registration: an ECT's email, working pattern or appropriate body, a
    mentor's email. Only a registration that has not ended can change; the appropriate body rule applies."""
    cls, label = PERIOD_CLASSES[participant_type]
    period = for_change(uow, principal, cls, period_id, label)
    if registration_status(period.finished_on, date.today()) == "left":
        raise Conflict(f"This {label} has ended: the teacher has left the school.", code="already_left")
    changeable = CHANGEABLE[participant_type]
    wanted = {k: str(cmd[k]) for k in changeable if cmd.get(k) is not None}
    if not wanted:
        raise Invalid(f"Give a new {' or '.join(changeable.values())}.", code="no_change")
    if "appropriate_body_id" in wanted:
        ab = organisation(uow, wanted["appropriate_body_id"], "appropriate_body", "appropriate_body_id")
        school = uow.session.get(SchoolCopy, period.school_id)
        rules.check_appropriate_body(school.state_funded if school else None, ab.establishment_type)
    changes = {k: v for k, v in wanted.items() if getattr(period, k) != v}
    if not changes:
        raise Invalid(f"The {label} already has these details; nothing to change.", code="no_change")
    previous = {k: getattr(period, k) for k in changes}
    for k, v in changes.items():
        setattr(period, k, v)
    teacher = uow.session.get(Teacher, period.teacher_id)
    actor = audit.record_by(uow, principal, period.school_id, action=f"{participant_type}_registration_changed",
                            subject_id=period.id, teacher_id=teacher.id, details={**changes, "previous": previous})
    if any(k in PUBLISHED for k in changes):
        _publish_details_changed(uow, teacher, participant_type, period, actor)
    integrity.commit(uow)
    show = views.ects if participant_type == "ect" else views.mentors
    return views.one(show(uow, principal, **{f"{participant_type}_id": period.id}), label)
