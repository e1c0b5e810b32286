"""What an appropriate body sees, for context, of the schools that registered a teacher: each current registration's
school and the appropriate body that school reports, named from the copy of accounts' organisations.

Both copies take their events in any order and any number of times: a late older event changes nothing
(ecf_shared.ordering)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from ecf_shared.events.envelope import Event
from ecf_shared.ordering import upsert_if_newer
from ecf_shared.uow import UnitOfWork
from inductions.adapters import organisations, reported_appropriate_bodies, school_ects


def copy_organisation(uow: UnitOfWork, event: Event) -> None:
    """accounts.organisation.created / updated / closed: the payload is the whole organisation."""
    data = event.data
    upsert_if_newer(uow.session, organisations, {"id": str(data["organisation_id"])},
                    {"type": data["type"], "name": data["name"], "urn": data["urn"], "status": data["status"]},
                    event.occurred_at)


def report(uow: UnitOfWork, ect_period_id, appropriate_body_id, occurred_at: datetime) -> None:
    """The school reports `appropriate_body_id` (None: none) for the ECT registration, as of `occurred_at`."""
    upsert_if_newer(uow.session, reported_appropriate_bodies, {"ect_period_id": str(ect_period_id)},
                    {"appropriate_body_id": str(appropriate_body_id) if appropriate_body_id else None}, occurred_at)


def details_changed(uow: UnitOfWork, data: dict, occurred_at: datetime) -> None:
    """teacher.details_changed names an ECT registration's reported appropriate body (mentor events do not)."""
    if data.get("participant_type") == "ect" and data.get("period_id") and "appropriate_body_id" in data:
        report(uow, data["period_id"], data["appropriate_body_id"], occurred_at)


def for_teacher(uow: UnitOfWork, trn: str, today: date) -> list[dict]:
    """The teacher's current registrations at schools, earliest first, with the school's and its reported
    appropriate body's names (None until accounts' event about them arrives)."""
    school, body = organisations.alias("school"), organisations.alias("body")
    rows = uow.session.execute(
        select(school_ects.c.school_id, school_ects.c.started_on, school.c.name, school.c.urn,
               reported_appropriate_bodies.c.appropriate_body_id, body.c.name.label("body_name"))
        .select_from(school_ects)
        .outerjoin(school, school.c.id == school_ects.c.school_id)
        .outerjoin(reported_appropriate_bodies,
                   reported_appropriate_bodies.c.ect_period_id == school_ects.c.ect_period_id)
        .outerjoin(body, body.c.id == reported_appropriate_bodies.c.appropriate_body_id)
        .where(school_ects.c.trn == trn, or_(school_ects.c.finished_on.is_(None), school_ects.c.finished_on > today))
        .order_by(school_ects.c.started_on, school_ects.c.school_id)).all()
    return [{"school_id": r.school_id, "name": r.name, "urn": r.urn, "started_on": r.started_on,
             "reported_appropriate_body": ({"id": r.appropriate_body_id, "name": r.body_name}
                                           if r.appropriate_body_id else None)} for r in rows]
