"""Loading periods within the caller's scope, and finishing the periods that depend on one."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable, writable
from ecf_shared.errors import AppError, Invalid, NotFound
from ecf_shared.events.envelope import Actor
from registrations import payloads
from registrations.domain.model import EctPeriod, MentorPeriod, Mentorship, SchoolCopy, TrainingPeriod

PERIOD_CLASSES = {"ect": (EctPeriod, "ECT registration"), "mentor": (MentorPeriod, "mentor registration")}


def organisation(uow, organisation_id, expected_type: str, field: str) -> SchoolCopy | None:
    if organisation_id is None:
        return None
    org = uow.session.get(SchoolCopy, str(organisation_id))
    if org is None or org.type != expected_type:
        label = expected_type.replace("_", " ")
        raise Invalid(f"Unknown {label}.", fields={field: [f"Not a known {label}."]})
    return org


def open_school(uow, school_id: str) -> SchoolCopy:
    school = organisation(uow, school_id, "school", "school_id")
    if school.status == "closed":
        raise Invalid("This school is closed.", code="school_closed", fields={"school_id": ["School is closed."]})
    return school


def insert(uow, conflict: AppError, *objects) -> None:
    """Add and flush each object in turn (the mappings have no relationships, so the unit of work would not order
    the inserts). A database constraint broken by a concurrent request becomes `conflict`, with nothing written."""
    try:
        for obj in objects:
            uow.session.add(obj)
            uow.session.flush()
    except IntegrityError:
        uow.rollback()
        raise conflict from None


def for_change(uow, principal: Principal, cls, period_id, label: str):
    """The period, locked, if the caller may change it; ids outside the caller's scope are not found."""
    period = uow.session.get(cls, str(period_id), with_for_update=True)
    if period is None or not readable(principal, organisation_types=("school",)).allows(period.school_id):
        raise NotFound(f"No such {label}.")
    writable(principal, organisation_id=period.school_id, permission="register_teachers", organisation_types=("school",),
             field="school_id")
    return period


def current_training(uow, *, ect_period_id=None, mentor_period_id=None) -> TrainingPeriod | None:
    q = uow.session.query(TrainingPeriod).filter_by(finished_on=None)
    q = q.filter_by(ect_period_id=ect_period_id) if ect_period_id else q.filter_by(mentor_period_id=mentor_period_id)
    return q.with_for_update().first()


def dependants_running_past(uow, finished_on: date, *, ect_period: EctPeriod | None = None,
                            mentor_period: MentorPeriod | None = None) -> list[TrainingPeriod | Mentorship]:
    """The period's training periods and mentorships that are open or end after `finished_on`, locked."""
    if ect_period is not None:
        period_id, columns = ect_period.id, (TrainingPeriod.ect_period_id, Mentorship.ect_period_id)
    else:
        period_id, columns = mentor_period.id, (TrainingPeriod.mentor_period_id, Mentorship.mentor_period_id)
    return [d for cls, column in zip((TrainingPeriod, Mentorship), columns, strict=False)
            for d in uow.session.query(cls).filter(column == period_id,
                                                   or_(cls.finished_on.is_(None), cls.finished_on > finished_on))
            .order_by(cls.started_on).with_for_update()]


def check_dependants_can_end(dependants: list, finished_on: date, field: str = "finished_on") -> None:
    """A period may end on `finished_on` only if nothing depending on it starts later: each period lies inside the
    one it depends on (the database checks this as well, at commit)."""
    if any(d.started_on > finished_on for d in dependants):
        raise Invalid("A training period or mentorship starts after that date; choose a later date.",
                      code="dependant_starts_later", fields={field: ["A dependent period starts after this date."]})


def finish_dependants(uow, *, finished_on: date, actor: Actor, ect_period: EctPeriod | None = None,
                      mentor_period: MentorPeriod | None = None, field: str = "finished_on") -> None:
    """Finish the training periods and mentorships that depend on a period ending on `finished_on`: the open ones,
    and any that ended later (a mentorship already ended by the other teacher leaving after this date ends now, and
    its end is published again with the earlier date)."""
    dependants = dependants_running_past(uow, finished_on, ect_period=ect_period, mentor_period=mentor_period)
    check_dependants_can_end(dependants, finished_on, field)
    for dependant in dependants:
        dependant.finished_on = finished_on
    for m in (d for d in dependants if isinstance(d, Mentorship)):
        ect = ect_period or uow.session.get(EctPeriod, m.ect_period_id)
        mentor = mentor_period or uow.session.get(MentorPeriod, m.mentor_period_id)
        uow.publish("registrations.mentorship.ended",
                    payloads.mentorship(m, ect.school_id, ect.teacher_id, mentor.teacher_id), actor=actor)
