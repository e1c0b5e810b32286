"""Which school each ECT registration is at, kept from registrations' events, and a school reading its ECTs'
inductions through it.

The copy takes registrations.ect.registered, teacher.moved_school and teacher.left_school in any order and any number
of times (domain.school_ects.SchoolEct.take): the event's occurred_at is when registrations made the change. Two
events about one registration handled at once meet on its row: the first inserts it, both then lock it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.dates import add_days
from ecf_shared.uow import UnitOfWork
from inductions.adapters import school_ects
from inductions.domain.model import Induction
from inductions.domain.school_ects import SchoolEct


def _take(uow: UnitOfWork, ect_period_id, trn: str, school_id, as_of: datetime, *, finished_on: date | None,
          started_on: date | None = None) -> None:
    ect_period_id, school_id = str(ect_period_id), str(school_id)
    uow.session.execute(insert(school_ects).values(
        ect_period_id=ect_period_id, trn=trn, school_id=school_id, started_on=started_on, finished_on=finished_on,
        as_of=as_of).on_conflict_do_nothing(index_elements=[school_ects.c.ect_period_id]))
    copy = uow.session.get(SchoolEct, ect_period_id, with_for_update=True, populate_existing=True)
    copy.take(finished_on=finished_on, as_of=as_of, started_on=started_on)


def registered(uow: UnitOfWork, data: dict, occurred_at: datetime) -> None:
    _take(uow, data["ect_period_id"], data["trn"], data["school_id"], occurred_at, started_on=data["started_on"],
          finished_on=None)


def moved(uow: UnitOfWork, data: dict, occurred_at: datetime) -> None:
    """The registration at the school moved from ended the day before the one at the new school started."""
    _take(uow, data["from_period_id"], data["trn"], data["from_school_id"], occurred_at,
          finished_on=add_days(data["moved_on"], -1))
    _take(uow, data["to_period_id"], data["trn"], data["to_school_id"], occurred_at, started_on=data["moved_on"],
          finished_on=None)


def left(uow: UnitOfWork, data: dict, occurred_at: datetime) -> None:
    if data["participant_type"] == "ect":
        _take(uow, data["period_id"], data["trn"], data["school_id"], occurred_at, finished_on=data["finished_on"])


def _shown(copy: SchoolEct, induction: Induction | None) -> dict:
    """A registration with no induction record yet (its registration event not yet handled) is RequiredToComplete,
    the status registering opens."""
    period = (induction.open_period() or induction.latest_period()) if induction else None
    return {"ect_period_id": copy.ect_period_id, "trn": copy.trn, "school_id": copy.school_id,
            "status": induction.status() if induction else "RequiredToComplete",
            "start_date": induction.start_date() if induction else None,
            "completed_date": induction.completed_date() if induction else None,
            "appropriate_body_id": period.appropriate_body_id if period else None}


def page(uow: UnitOfWork, principal: Principal, *, school_id, trn: str | None, today: date, offset: int,
         limit: int) -> tuple[list[dict], int]:
    """The current ECT registrations at the schools the caller may read (hat: the acting school; blended: theirs, or
    one; staff: all), with each one's induction as inductions derives it; and how many there are on every page.

    Only current registrations: a school that an ECT has left no longer sees how their induction goes on."""
    scope = readable(principal, organisation_id=school_id, organisation_types=("school",))
    q = uow.session.query(SchoolEct).filter(or_(SchoolEct.finished_on.is_(None), SchoolEct.finished_on > today))
    if not scope.everything:
        q = q.filter(SchoolEct.school_id.in_(scope.organisation_ids))
    if trn:
        q = q.filter(SchoolEct.trn == trn)
    total = q.count()
    if offset >= total:
        return [], total
    copies = q.order_by(SchoolEct.trn, SchoolEct.ect_period_id).offset(offset).limit(limit).all()
    inductions = {i.trn: i for i in uow.session.query(Induction).filter(Induction.trn.in_({c.trn for c in copies}))}
    return [_shown(c, inductions.get(c.trn)) for c in copies], total
