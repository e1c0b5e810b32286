"""Commands: plain functions of a unit of work, the caller and the command's data.

Each loads the induction (locked), lets the domain model decide and change it, then writes the audit entry and
the events in the same transaction. A change the transition table sends to manual handling changes nothing but
leaves an item in the manual-handling queue, and the caller gets 409 `manual_handling_required`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import STAFF_PERMISSIONS, writable
from ecf_shared.db import lock_until_commit
from ecf_shared.errors import Conflict, Forbidden, Invalid, NotFound
from ecf_shared.events.envelope import Actor, jsonable
from ecf_shared.uow import UnitOfWork
from inductions import events
from inductions.domain.audit import AuditEntry, ItemNotOpen, ManualHandlingItem
from inductions.domain.model import Appeal, Extension, Induction, ManualHandlingRequired

TRS_COMPLETED_STATUSES = ("Passed", "Failed", "FailedInWales", "Exempt")
TRN = re.compile(r"\d{7}")


@dataclass(frozen=True)
class Caller:
    kind: str  # the transition table's actor: appropriate_body | staff_admin | system | trs_console
    actor: Actor
    appropriate_body_id: str | None = None
    acting_for_reason: str | None = None  # DfE staff acting for an organisation: why

    def audit_actor(self) -> dict:
        """The actor as audit entries keep it: a staff user acting for an organisation names both, and why."""
        return {**self.actor.to_dict(), **({"acting_for_reason": self.acting_for_reason} if self.acting_for_reason else {})}

    @property
    def scope(self) -> set[str] | None:
        """The appropriate bodies whose inductions this caller may change; None: any."""
        return None if self.appropriate_body_id is None else {self.appropriate_body_id}


def appropriate_body(principal: Principal, appropriate_body_id) -> Caller:
    ab = writable(principal, organisation_id=appropriate_body_id, permission="record_inductions",
                  organisation_types=("appropriate_body",), field="appropriate_body_id")
    return Caller("appropriate_body", principal.event_actor(ab), ab, principal.acting_for_reason)


def is_admin(principal: Principal) -> bool:
    return principal.is_staff and "admin_inductions" in STAFF_PERMISSIONS.get(principal.staff_role, frozenset())


def admin(principal: Principal) -> Caller:
    if not is_admin(principal):
        raise Forbidden("Only DfE staff with the induction admin role can do this.", code="staff_role_forbids")
    return Caller("staff_admin", principal.event_actor(), acting_for_reason=principal.acting_for_reason)


def manual_handler(principal: Principal) -> Caller:
    """DfE staff whose role lets them settle the manual-handling queue."""
    if not principal.is_staff:
        raise Forbidden("Only DfE staff can read this.")
    if "manual_handling" not in STAFF_PERMISSIONS.get(principal.staff_role, frozenset()):
        raise Forbidden("Your staff role does not allow handling the queue.", code="staff_role_forbids")
    return Caller("staff_admin", principal.event_actor(), acting_for_reason=principal.acting_for_reason)


def load(uow: UnitOfWork, trn: str, scope: set[str] | None = None, *, lock: bool = True) -> Induction:
    """The induction of `trn`; 404 when there is none, or none of the appropriate bodies in `scope` has a period in it."""
    if not TRN.fullmatch(trn):
        raise NotFound(f"No induction you can see for TRN {trn!r}.")
    query = uow.session.query(Induction).filter_by(trn=trn)
    induction = (query.with_for_update() if lock else query).first()
    if induction is None or (scope is not None and not any(p.appropriate_body_id in scope for p in induction.periods)):
        raise NotFound(f"No induction you can see for TRN {trn}.")
    return induction


def lock_induction(uow: UnitOfWork, trn: str) -> Induction | None:
    """The teacher's induction, locked until commit; when there is none yet, the lock still holds off anyone else
    about to create it (a claim racing the registration event), so the second sees the first's row."""
    lock_until_commit(uow.session, f"inductions:{trn}")
    return uow.session.query(Induction).filter_by(trn=trn).with_for_update().first()


def attempt(uow: UnitOfWork, induction: Induction, caller: Caller, change: Callable, details: dict):
    """Run a domain change; outside its window, queue it for manual handling instead and re-raise."""
    try:
        return change()
    except ManualHandlingRequired as refused:
        trn = induction.trn
        uow.rollback()
        uow.session.add(ManualHandlingItem(
            trn=trn, kind="outside_window", action=refused.decision.transition.action,
            reason_code=refused.decision.reason_code, message=refused.message, actor=caller.audit_actor(),
            details=jsonable(details)))
        uow.commit()
        raise


def finish(uow: UnitOfWork, induction: Induction, before: tuple, caller: Caller, action: str, details: dict, *,
           reason: str, source: str = "cpd", note: str | None = None, ticket: str | None = None,
           appeal_lodged_on: date | None = None) -> None:
    """Audit, announce a status change if there was one, and commit."""
    uow.session.add(AuditEntry(trn=induction.trn, action=action, actor=caller.audit_actor(), details=jsonable(details),
                               note=note, support_ticket=ticket))
    events.announce_status(uow, induction, before, actor=caller.actor, source=source, reason=reason,
                           appeal_lodged_on=appeal_lodged_on)
    try:
        uow.commit()
    except IntegrityError:
        uow.rollback()
        raise Conflict("Someone else changed this induction at the same moment; reload and try again.",
                       code="changed_concurrently") from None


# --- appropriate bodies --------------------------------------------------------------------------

def check_trs_record(record: dict) -> None:
    status = (record.get("induction") or {}).get("status")
    if status in TRS_COMPLETED_STATUSES:
        raise Invalid(f"TRS shows this teacher's induction as {status}, so it cannot be claimed.",
                      code="induction_already_completed", fields={"trn": [f"Induction {status} in TRS."]})
    if record.get("prohibited_from_teaching"):
        raise Invalid("This teacher is prohibited from teaching.", code="prohibited_from_teaching",
                      fields={"trn": ["Prohibited from teaching."]})
    if not record.get("qts_awarded_on"):
        raise Invalid("This teacher does not hold QTS, so their induction cannot start.", code="no_qts",
                      fields={"trn": ["No QTS."]})


def check_claim(uow: UnitOfWork, caller: Caller, cmd: dict, lookup, *, token: str | None) -> dict:
    """What TRS holds about the teacher, when this appropriate body may claim them now (the checks a claim makes
    before its start date and programme); otherwise the refusal a claim would get. Changes nothing."""
    record = lookup.find(cmd["trn"], cmd["date_of_birth"], token=token)
    check_trs_record(record)
    induction = uow.session.query(Induction).filter_by(trn=record["trn"]).first()
    if induction is not None:
        induction.check_claimable(caller.appropriate_body_id)
    return record


def claim(uow: UnitOfWork, caller: Caller, cmd: dict, lookup, today: date, *, token: str | None) -> Induction:
    record = lookup.find(cmd["trn"], cmd["date_of_birth"], token=token)
    check_trs_record(record)
    qts = date.fromisoformat(record["qts_awarded_on"])
    induction = lock_induction(uow, record["trn"])
    if induction is None:  # the school never registered them: CPD opens the record now
        induction = Induction(trn=record["trn"], first_name=record["first_name"], last_name=record["last_name"],
                              qts_awarded_on=qts)
        uow.session.add(induction)
    else:
        induction.qts_awarded_on = qts
    # The change starts from the record's own status (a record just opened is RequiredToComplete): the edit rules
    # know RequiredToComplete → InProgress as a claim, and nothing from None but a registration.
    before = induction.snapshot()
    period = attempt(uow, induction, caller, lambda: induction.claim(
        caller.appropriate_body_id, cmd["started_on"], cmd.get("training_programme"), actor=caller.kind, today=today), cmd)
    events.period(uow, "opened", induction, period, caller.actor)
    finish(uow, induction, before, caller, "claim", cmd, reason="Claimed by an appropriate body")
    return induction


def record_outcome(uow: UnitOfWork, caller: Caller, trn: str, cmd: dict, today: date) -> Induction:
    induction = load(uow, trn, caller.scope)
    if cmd["outcome"] == "fail" and not cmd.get("appeal_notice_confirmed"):
        message = "Confirm that the ECT was told of their right to appeal."
        raise Invalid(message, code="appeal_notice_required", fields={"appeal_notice_confirmed": [message]})
    before = induction.snapshot()
    period = attempt(uow, induction, caller, lambda: induction.finish_period(
        caller.appropriate_body_id, cmd["outcome"], cmd["finished_on"], cmd["number_of_terms"], actor=caller.kind,
        today=today, appeal_notice_on=cmd.get("appeal_notice_confirmed_on")), cmd)
    events.period(uow, "closed", induction, period, caller.actor)
    finish(uow, induction, before, caller, cmd["outcome"], cmd, reason=f"Outcome recorded: {cmd['outcome']}")
    return induction


def add_extension(uow: UnitOfWork, caller: Caller, trn: str, cmd: dict, today: date) -> Extension:
    induction = load(uow, trn, caller.scope)
    extension = attempt(uow, induction, caller, lambda: induction.record_extension(
        caller.appropriate_body_id, cmd["terms"], actor=caller.kind, today=today), cmd)
    return _extension_recorded(uow, induction, extension, caller, "add_extension", cmd)


def edit_extension(uow: UnitOfWork, caller: Caller, trn: str, extension_id: str, cmd: dict, today: date) -> Extension:
    induction = load(uow, trn, caller.scope)
    extension = next((e for e in induction.extensions if e.id == extension_id
                      and e.appropriate_body_id == caller.appropriate_body_id), None)
    if extension is None:
        raise NotFound("No such extension of yours.")
    attempt(uow, induction, caller, lambda: induction.edit_extension(extension, cmd["terms"], actor=caller.kind,
                                                                     today=today), cmd)
    return _extension_recorded(uow, induction, extension, caller, "edit_extension", {**cmd, "extension_id": extension_id})


def _extension_recorded(uow, induction, extension, caller, action, details) -> Extension:
    events.extension_recorded(uow, induction, extension, caller.actor)
    finish(uow, induction, induction.snapshot(), caller, action, details, reason="Extension recorded")
    return extension


# --- appeals -------------------------------------------------------------------------------------

def appropriate_body_or_admin(principal: Principal, appropriate_body_id) -> Caller:
    """Staff admins not acting for an appropriate body act as themselves; everyone else for an appropriate body."""
    if is_admin(principal) and not principal.acting_organisation_id:
        return admin(principal)
    return appropriate_body(principal, appropriate_body_id)


def lodge_appeal(uow: UnitOfWork, caller: Caller, trn: str, cmd: dict, today: date) -> Appeal:
    induction = load(uow, trn, caller.scope)
    appeal = attempt(uow, induction, caller, lambda: induction.lodge_appeal(actor=caller.kind, today=today), cmd)
    events.appeal(uow, "lodged", induction, appeal, caller.actor)
    finish(uow, induction, induction.snapshot(), caller, "lodge_appeal", cmd, reason="Appeal lodged")
    return appeal


def decide_appeal(uow: UnitOfWork, caller: Caller, appeal_id: str, cmd: dict, today: date) -> Appeal:
    appeal = uow.session.get(Appeal, appeal_id)
    induction = uow.session.get(Induction, appeal.induction_id, with_for_update=True) if appeal else None
    if induction is None or not (caller.appropriate_body_id is None or any(
            p.id == appeal.period_id and p.appropriate_body_id == caller.appropriate_body_id for p in induction.periods)):
        raise NotFound("No such appeal.")
    before = induction.snapshot()
    details = {**cmd, "appeal_id": appeal_id}
    period = attempt(uow, induction, caller, lambda: induction.decide_appeal(
        appeal, cmd["decision"], actor=caller.kind, today=today), details)
    events.appeal(uow, "decided", induction, appeal, caller.actor)
    if period is not None:
        events.period(uow, "updated", induction, period, caller.actor)
    finish(uow, induction, before, caller, "decide_appeal", details, reason=f"Appeal decided: {cmd['decision']}",
           note=cmd.get("note"), appeal_lodged_on=appeal.lodged_on)
    return appeal


# --- DfE staff -----------------------------------------------------------------------------------

def reopen(uow: UnitOfWork, caller: Caller, trn: str, cmd: dict, today: date) -> Induction:
    induction = load(uow, trn)
    before = induction.snapshot()
    period = attempt(uow, induction, caller, lambda: induction.reopen_latest(
        note=cmd.get("note"), ticket=cmd.get("support_ticket"), actor=caller.kind, today=today), cmd)
    events.period(uow, "updated", induction, period, caller.actor)
    finish(uow, induction, before, caller, "admin_reopen", cmd, reason="Reopened by DfE staff",
           note=cmd.get("note"), ticket=cmd.get("support_ticket"))
    return induction


def exempt(uow: UnitOfWork, induction: Induction, caller: Caller, cmd: dict, today: date, *, source: str) -> Induction:
    before = induction.snapshot()
    closed = attempt(uow, induction, caller, lambda: induction.exempt(
        cmd["reason"], source, actor=caller.kind, today=today, number_of_terms=cmd.get("number_of_terms")), cmd)
    if closed is not None:
        events.period(uow, "closed", induction, closed, caller.actor)
    events.exemption_recorded(uow, induction, caller.actor)
    finish(uow, induction, before, caller, "exemption", cmd, reason="Exemption recorded", source=source,
           note=cmd.get("note"), ticket=cmd.get("support_ticket"))
    return induction


def admin_exempt(uow: UnitOfWork, caller: Caller, trn: str, cmd: dict, today: date) -> Induction:
    """DfE staff record an exemption in CPD: like a reopening, it needs a note or a support ticket reference."""
    if not (cmd.get("note") or cmd.get("support_ticket")):
        message = "Give a note or a support ticket reference."
        raise Invalid(message, fields={"note": [message], "support_ticket": [message]})
    return exempt(uow, load(uow, trn), caller, cmd, today, source="cpd")


def close_manual_handling(uow: UnitOfWork, caller: Caller, item_id: str, note: str) -> ManualHandlingItem:
    """Close an item settled by hand, saying how; audited against the teacher."""
    item = uow.session.get(ManualHandlingItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("No such manual-handling item.", code="item_not_found")
    try:
        item.close(note, caller.audit_actor(), datetime.now(UTC))
    except ItemNotOpen as refused:
        raise Conflict(str(refused), code="item_not_open") from None
    uow.session.add(AuditEntry(trn=item.trn, action="manual_handling_closed", actor=caller.audit_actor(), note=note,
                               details={"item_id": item.id, "kind": item.kind, "action": item.action,
                                        "reason_code": item.reason_code}))
    uow.commit()
    return item
