"""Teachers' names as registrations last changed them (registrations.ect.registered, teacher.details_changed), in
whichever order the events arrive: a late older event changes nothing (ecf_shared.ordering)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ecf_shared.ordering import upsert_if_newer
from ecf_shared.uow import UnitOfWork
from inductions.adapters import teacher_names


def take(uow: UnitOfWork, data: dict, occurred_at: datetime) -> tuple[str, str]:
    """Keep the event's names unless a later change is already kept; the (first, last) names the copy now holds."""
    upsert_if_newer(uow.session, teacher_names, {"trn": data["trn"]},
                    {"first_name": data["first_name"], "last_name": data["last_name"]}, occurred_at)
    return tuple(uow.session.execute(select(teacher_names.c.first_name, teacher_names.c.last_name)
                                     .where(teacher_names.c.trn == data["trn"])).one())
