"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

from datetime import datetime, timezone

from ecf_shared.events.envelope import SYSTEM, Event
from ecf_shared.uow import UnitOfWork
from inductions.adapters import start_mappers
from inductions.domain.model import Induction


def open_in_flight_induction(uow: UnitOfWork, event: Event) -> None:
    """Every registered ECT gets an induction record (RequiredToComplete) unless they already have one."""
    data = event.data
    if uow.session.query(Induction).filter_by(trn=data["trn"]).first() is not None:
        return
    induction = Induction(trn=data["trn"], first_name=data["first_name"], last_name=data["last_name"])
    uow.session.add(induction)
    uow.publish("inductions.induction.status_changed", {
        "induction_id": induction.id,
        "trn": induction.trn,
        "old_status": None,
        "new_status": induction.status(),
        "start_date": None,
        "completed_date": None,
        "changed_at": datetime.now(timezone.utc),
        "source": "cpd",
        "reason": "ECT registered by a school",
    }, actor=SYSTEM)


def handlers(settings, db) -> dict:
    start_mappers()
    return {"registrations.ect.registered": open_in_flight_induction}
