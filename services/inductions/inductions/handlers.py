"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

from decimal import Decimal
from functools import partial

from ecf_shared.auth import revocation
from ecf_shared.events.envelope import SYSTEM, Actor, Event, jsonable
from ecf_shared.uow import UnitOfWork
from inductions import commands, school_ects, schools_shown, teacher_names
from inductions.adapters import start_mappers
from inductions.clock import Clock
from inductions.domain.audit import AuditEntry, ManualHandlingItem
from inductions.domain.model import Induction

SYSTEM_CALLER = commands.Caller("system", SYSTEM)
TRS_CONSOLE = commands.Caller("trs_console", Actor(type="trs_console", name="TRS console"))


def _find(uow: UnitOfWork, trn: str) -> Induction | None:
    return commands.lock_induction(uow, trn)


def open_in_flight_induction(uow: UnitOfWork, event: Event) -> None:
    """Every registered ECT gets an induction record (RequiredToComplete) unless they already have one, named as
    registrations last named the teacher (a later name change may have arrived first)."""
    data = event.data
    names = teacher_names.take(uow, data, event.occurred_at)
    induction = _find(uow, data["trn"])
    if induction is not None:
        induction.qts_awarded_on = induction.qts_awarded_on or data.get("qts_awarded_on")
        return
    first_name, last_name = names
    induction = Induction(trn=data["trn"], first_name=first_name, last_name=last_name,
                          qts_awarded_on=data.get("qts_awarded_on"))
    uow.session.add(induction)
    commands.finish(uow, induction, (None, None, None), SYSTEM_CALLER, "register",
                    {"ect_period_id": data["ect_period_id"], "school_id": data["school_id"]},
                    reason="ECT registered by a school")


def teacher_details_changed(uow: UnitOfWork, event: Event) -> None:
    schools_shown.details_changed(uow, event.data, event.occurred_at)
    names = teacher_names.take(uow, event.data, event.occurred_at)
    induction = _find(uow, event.data["trn"])
    if induction is not None:
        induction.first_name, induction.last_name = names
        uow.session.add(AuditEntry(trn=induction.trn, action="details_changed", actor=event.actor.to_dict(),
                                   details=jsonable(event.data)))


def note_school_change(uow: UnitOfWork, event: Event) -> None:
    # An induction belongs to the teacher and its periods to appropriate bodies, not to a school: leaving or
    # moving school ends no induction period and changes no status, so this only keeps it in the audit trail
    # (the school_ects read copy keeps where the teacher is registered).
    if _find(uow, event.data["trn"]) is not None:
        uow.session.add(AuditEntry(trn=event.data["trn"], action=event.type.rsplit(".", 1)[1], actor=event.actor.to_dict(),
                                   details=jsonable(event.data)))


def ect_registered(uow: UnitOfWork, event: Event) -> None:
    # The read copy first: opening the induction commits the handler's transaction.
    school_ects.registered(uow, event.data, event.occurred_at)
    schools_shown.report(uow, event.data["ect_period_id"], event.data.get("appropriate_body_id"), event.occurred_at)
    open_in_flight_induction(uow, event)


def teacher_moved_school(uow: UnitOfWork, event: Event) -> None:
    school_ects.moved(uow, event.data, event.occurred_at)
    schools_shown.report(uow, event.data["to_period_id"], event.data.get("appropriate_body_id"), event.occurred_at)
    note_school_change(uow, event)


def teacher_left_school(uow: UnitOfWork, event: Event) -> None:
    school_ects.left(uow, event.data, event.occurred_at)
    note_school_change(uow, event)


def apply_trs_console_change(uow: UnitOfWork, event: Event, *, clock: Clock) -> None:
    """A permitted console change (In Progress → Exempt) closes the CPD record; anything else goes to manual review."""
    data = event.data
    induction = _find(uow, data["trn"])
    if (induction is not None and data["classification"] == "permitted" and data["trs"]["status"] == "Exempt"
            and induction.status() == "InProgress"):
        # TRS does not say how many terms were served in an open period; 0 is recorded and the audit says why.
        commands.exempt(uow, induction, TRS_CONSOLE, {"reason": "recorded_in_trs", "number_of_terms": Decimal("0"),
                                                      "note": "Exempt recorded in the TRS console", "rule": data["rule"]},
                        clock.today(), source="trs")
        return
    cpd_now = None if induction is None else dict(zip(("status", "start_date", "completed_date"), induction.snapshot(), strict=False))
    uow.session.add(ManualHandlingItem(
        trn=data["trn"], kind="trs_console_change", reason_code=data["rule"],
        message="A change made in the TRS console that CPD may not apply itself; compare both versions.",
        actor=event.actor.to_dict(), details=jsonable({"cpd": cpd_now, "cpd_last_sent": data["cpd"], "trs": data["trs"],
                                                        "classification": data["classification"]})))


def handlers(settings, db, clock: Clock | None = None) -> dict:
    start_mappers()
    return {
        "accounts.organisation.created": schools_shown.copy_organisation,
        "accounts.organisation.updated": schools_shown.copy_organisation,
        "accounts.organisation.closed": schools_shown.copy_organisation,
        "registrations.ect.registered": ect_registered,
        "registrations.teacher.details_changed": teacher_details_changed,
        "registrations.teacher.left_school": teacher_left_school,
        "registrations.teacher.moved_school": teacher_moved_school,
        "trs-sync.induction.changed_in_trs": partial(apply_trs_console_change, clock=clock or Clock()),
        **revocation.handlers(),
    }
