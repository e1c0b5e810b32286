"""What the API shows of ECTs, mentors and the audit trail, scoped by the shared authorisation helper.

A list is one page of periods (searched, filtered and sorted in the database) and a fixed number of further
queries for the whole page (training, mentorships, organisation names), never one per row."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.db import contains_pattern
from ecf_shared.errors import NotFound
from ecf_shared.school_periods import registration_status
from registrations.domain.listing import Listing, Search, parse_search
from registrations.domain.model import (AuditEntry, EctPeriod, MentorPeriod, Mentorship, SchoolCopy, Teacher,
                                        TrainingPeriod)

LIST_LIMIT = 1000


def _registered_by(period) -> dict:
    return {"user_id": period.registered_by_user_id, "email": period.registered_by_email,
            "name": period.registered_by_name}


def _teacher(period, teacher: Teacher) -> dict:
    return {"id": period.id, "teacher_id": teacher.id, "trn": teacher.trn, "first_name": teacher.first_name,
            "last_name": teacher.last_name, "school_id": period.school_id, "started_on": period.started_on,
            "finished_on": period.finished_on, "status": registration_status(period.finished_on, date.today()),
            "email": period.email, "registered_by": _registered_by(period)}


def _training(training: TrainingPeriod | None) -> dict:
    if training is None:
        return {"training_programme": None, "lead_provider_id": None, "cohort": None, "training_status": None,
                "training_started_on": None}
    return {"training_programme": training.programme, "lead_provider_id": training.lead_provider_id,
            "training_started_on": training.started_on,
            "delivery_partner_id": training.delivery_partner_id, "expression_of_interest": training.expression_of_interest,
            "cohort": training.cohort, "training_status": training.status, "schedule": training.schedule}


def ect_view(ect: EctPeriod, teacher: Teacher, training: TrainingPeriod | None, mentor_id: str | None) -> dict:
    return {**_teacher(ect, teacher), **_training(training), "working_pattern": ect.working_pattern,
            "appropriate_body_id": ect.appropriate_body_id, "mentor_id": mentor_id}


def mentor_view(mentor: MentorPeriod, teacher: Teacher, training: TrainingPeriod | None) -> dict:
    return {**_teacher(mentor, teacher), **_training(training)}


def full_name(first_name: str, last_name: str) -> str:
    return f"{first_name} {last_name}"


# --- one page of a list --------------------------------------------------------------------------------------

def _scoped(q, period_cls, principal: Principal, school_id=None):
    scope = readable(principal, organisation_id=school_id, organisation_types=("school",))
    if not scope.everything:
        q = q.filter(period_cls.school_id.in_(scope.organisation_ids))
    return q


def _searched(q, search: Search | None):
    if search is None:
        return q
    if search.kind == "trn":
        return q.filter(Teacher.trn == search.value)
    if search.kind == "trn_prefix":
        return q.filter(Teacher.trn.startswith(search.value, autoescape=True))
    return q.filter(func.concat(Teacher.first_name, " ", Teacher.last_name).ilike(contains_pattern(search.value), escape="\\"))


def _with_status(q, cls, status: str | None, today: date):
    if status == "current":
        return q.filter(or_(cls.finished_on.is_(None), cls.finished_on > today))
    if status == "left":
        return q.filter(cls.finished_on <= today)
    return q


def _order(cls, sort: str) -> tuple:
    if sort == "name":
        return (func.lower(Teacher.last_name), func.lower(Teacher.first_name), Teacher.trn, cls.started_on, cls.id)
    return cls.created_at, cls.id


def _periods(uow, principal: Principal, cls, school_id, period_id, listing: Listing) -> tuple[list[tuple], int | None]:
    """(period, teacher) rows of the page, and the number of rows on every page (None when one id was asked for)."""
    q = _scoped(uow.session.query(cls, Teacher).join(Teacher, Teacher.id == cls.teacher_id), cls, principal, school_id)
    if period_id is not None:
        return q.filter(cls.id == str(period_id)).all(), None
    q = _with_status(_searched(q, parse_search(listing.q)), cls, listing.status, date.today())
    total = q.order_by(None).count()
    if listing.offset >= total:  # past the last page (however far: the offset is never sent to the database)
        return [], total
    rows = q.order_by(*_order(cls, listing.sort)).offset(listing.offset).limit(listing.page_size).all()
    return rows, total


def _latest_training(uow, column, period_ids) -> dict:
    latest = {}
    for tp in uow.session.query(TrainingPeriod).filter(column.in_(period_ids)).order_by(TrainingPeriod.started_on):
        latest[tp.ect_period_id or tp.mentor_period_id] = tp
    return latest


def _organisation_names(uow, ids) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(uow.session.query(SchoolCopy.id, SchoolCopy.name).filter(SchoolCopy.id.in_(wanted)))


def _current_mentors(uow, ect_ids) -> dict[str, tuple[str, str, date]]:
    """ECT period id → (mentor period id, mentor's name, since when) of the ECT's latest mentorship, if it has not
    ended."""
    current = {}
    rows = (uow.session.query(Mentorship.ect_period_id, Mentorship.mentor_period_id, Mentorship.finished_on,
                              Teacher.first_name, Teacher.last_name, Mentorship.started_on)
            .join(MentorPeriod, MentorPeriod.id == Mentorship.mentor_period_id)
            .join(Teacher, Teacher.id == MentorPeriod.teacher_id)
            .filter(Mentorship.ect_period_id.in_(ect_ids)).order_by(Mentorship.started_on))
    for ect_id, mentor_id, finished_on, first_name, last_name, started_on in rows:
        current[ect_id] = (mentor_id, full_name(first_name, last_name), started_on) if finished_on is None else None
    return {ect_id: mentor for ect_id, mentor in current.items() if mentor}


def _current_mentees(uow, mentor_ids) -> dict[str, list[dict]]:
    """Mentor period id → the ECTs of its mentorships that have not ended."""
    mentees: dict[str, list[dict]] = {}
    rows = (uow.session.query(Mentorship.mentor_period_id, EctPeriod.id, Teacher.id, Teacher.first_name,
                              Teacher.last_name)
            .join(EctPeriod, EctPeriod.id == Mentorship.ect_period_id)
            .join(Teacher, Teacher.id == EctPeriod.teacher_id)
            .filter(Mentorship.mentor_period_id.in_(mentor_ids), Mentorship.finished_on.is_(None))
            .order_by(func.lower(Teacher.last_name), func.lower(Teacher.first_name), EctPeriod.id))
    for mentor_id, ect_id, teacher_id, first_name, last_name in rows:
        mentees.setdefault(mentor_id, []).append({"id": ect_id, "teacher_id": teacher_id, "first_name": first_name,
                                                  "last_name": last_name})
    return mentees


def _organisations_shown(period, training: TrainingPeriod | None, names: dict[str, str]) -> dict:
    return {"school_name": names.get(period.school_id),
            "lead_provider_name": names.get(training.lead_provider_id) if training else None,
            "delivery_partner_name": names.get(training.delivery_partner_id) if training else None}


def _ids_named(rows, training: dict, *extra) -> set:
    return {*(p.school_id for p, _ in rows), *extra, *(t.lead_provider_id for t in training.values()),
            *(t.delivery_partner_id for t in training.values())}


def _ect_views(uow, rows) -> list[dict]:
    ids = [ect.id for ect, _ in rows]
    training = _latest_training(uow, TrainingPeriod.ect_period_id, ids)
    mentors = _current_mentors(uow, ids)
    names = _organisation_names(uow, _ids_named(rows, training, *(ect.appropriate_body_id for ect, _ in rows)))
    views = []
    for ect, teacher in rows:
        mentor_id, mentor_name, mentored_since = mentors.get(ect.id, (None, None, None))
        views.append({**ect_view(ect, teacher, training.get(ect.id), mentor_id),
                      **_organisations_shown(ect, training.get(ect.id), names),
                      "appropriate_body_name": names.get(ect.appropriate_body_id), "mentor_name": mentor_name,
                      "mentorship_started_on": mentored_since})
    return views


def _mentor_views(uow, rows) -> list[dict]:
    ids = [m.id for m, _ in rows]
    training = _latest_training(uow, TrainingPeriod.mentor_period_id, ids)
    mentees = _current_mentees(uow, ids)
    names = _organisation_names(uow, _ids_named(rows, training))
    return [{**mentor_view(m, teacher, training.get(m.id)), **_organisations_shown(m, training.get(m.id), names),
             "mentees": mentees.get(m.id, [])} for m, teacher in rows]


def ect_page(uow, principal: Principal, listing: Listing, *, school_id=None) -> tuple[list[dict], int]:
    """One page of the ECTs at the schools the caller may read, and how many there are on every page."""
    rows, total = _periods(uow, principal, EctPeriod, school_id, None, listing)
    return _ect_views(uow, rows), total


def mentor_page(uow, principal: Principal, listing: Listing, *, school_id=None) -> tuple[list[dict], int]:
    rows, total = _periods(uow, principal, MentorPeriod, school_id, None, listing)
    return _mentor_views(uow, rows), total


def ects(uow, principal: Principal, *, school_id=None, ect_id=None) -> list[dict]:
    return _ect_views(uow, _periods(uow, principal, EctPeriod, school_id, ect_id, Listing(page_size=LIST_LIMIT))[0])


def mentors(uow, principal: Principal, *, school_id=None, mentor_id=None) -> list[dict]:
    return _mentor_views(uow, _periods(uow, principal, MentorPeriod, school_id, mentor_id, Listing(page_size=LIST_LIMIT))[0])


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
