"""What the API shows of ECTs, mentors and the audit trail, scoped by the shared authorisation helper."""
from __future__ import annotations

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.errors import NotFound
from registrations.domain.model import AuditEntry, EctPeriod, MentorPeriod, Mentorship, Teacher, TrainingPeriod

LIST_LIMIT = 1000


def _registered_by(period) -> dict:
    return {"user_id": period.registered_by_user_id, "email": period.registered_by_email,
            "name": period.registered_by_name}


def _teacher(period, teacher: Teacher) -> dict:
    return {"id": period.id, "teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
            "last_name": teacher.last_name, "school_id": period.school_id, "started_on": period.started_on,
            "finished_on": period.finished_on, "email": period.email, "registered_by": _registered_by(period)}


def _training(training: TrainingPeriod | None) -> dict:
    if training is None:
        return {"training_programme": None, "lead_provider_id": None, "cohort": None, "training_status": None}
    return {"training_programme": training.programme, "lead_provider_id": training.lead_provider_id,
            "delivery_partner_id": training.delivery_partner_id, "expression_of_interest": training.expression_of_interest,
            "cohort": training.cohort, "training_status": training.status, "schedule": training.schedule}


def ect_view(ect: EctPeriod, teacher: Teacher, training: TrainingPeriod | None, mentor_id: str | None) -> dict:
    return {**_teacher(ect, teacher), **_training(training), "working_pattern": ect.working_pattern,
            "appropriate_body_id": ect.appropriate_body_id, "mentor_id": mentor_id}


def mentor_view(mentor: MentorPeriod, teacher: Teacher, training: TrainingPeriod | None) -> dict:
    return {**_teacher(mentor, teacher), **_training(training)}


def _latest_training(uow, column, period_ids) -> dict:
    latest = {}
    for tp in uow.session.query(TrainingPeriod).filter(column.in_(period_ids)).order_by(TrainingPeriod.started_on):
        latest[tp.ect_period_id or tp.mentor_period_id] = tp
    return latest


def _scoped(q, period_cls, principal: Principal, school_id=None):
    scope = readable(principal, organisation_id=school_id, organisation_types=("school",))
    if not scope.everything:
        q = q.filter(period_cls.school_id.in_(scope.organisation_ids))
    return q


def _periods(uow, principal: Principal, cls, school_id, period_id) -> list[tuple]:
    q = _scoped(uow.session.query(cls, Teacher).join(Teacher, Teacher.id == cls.teacher_id), cls, principal, school_id)
    if period_id is not None:
        q = q.filter(cls.id == str(period_id))
    return q.order_by(cls.created_at).limit(LIST_LIMIT).all()


def ects(uow, principal: Principal, *, school_id=None, ect_id=None) -> list[dict]:
    rows = _periods(uow, principal, EctPeriod, school_id, ect_id)
    ids = [ect.id for ect, _ in rows]
    training = _latest_training(uow, TrainingPeriod.ect_period_id, ids)
    mentors = {}
    for m in uow.session.query(Mentorship).filter(Mentorship.ect_period_id.in_(ids)).order_by(Mentorship.started_on):
        mentors[m.ect_period_id] = m.mentor_period_id if m.finished_on is None else None
    return [ect_view(ect, teacher, training.get(ect.id), mentors.get(ect.id)) for ect, teacher in rows]


def mentors(uow, principal: Principal, *, school_id=None, mentor_id=None) -> list[dict]:
    rows = _periods(uow, principal, MentorPeriod, school_id, mentor_id)
    training = _latest_training(uow, TrainingPeriod.mentor_period_id, [m.id for m, _ in rows])
    return [mentor_view(m, teacher, training.get(m.id)) for m, teacher in rows]


def one(found: list[dict], label: str) -> dict:
    if not found:
        raise NotFound(f"No such {label}.")
    return found[0]


def audit_trail(uow, principal: Principal, subject: str) -> list[dict]:
    """Entries about a period or a teacher, at the schools the caller may read (staff: all)."""
    q = _scoped(uow.session.query(AuditEntry), AuditEntry, principal)
    q = q.filter((AuditEntry.subject_id == subject) | (AuditEntry.teacher_id == subject))
    return [{"id": e.id, "at": e.at, "action": e.action, "outcome": e.outcome, "subject_id": e.subject_id,
             "teacher_id": e.teacher_id, "school_id": e.school_id, "actor": e.actor,
             "acting_for_reason": e.acting_for_reason, "details": e.details}
            for e in q.order_by(AuditEntry.at, AuditEntry.id).limit(LIST_LIMIT)]
