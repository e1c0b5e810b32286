"""The events inductions publishes, built from the domain model (payloads follow ecf_shared.contracts.inductions)."""
from __future__ import annotations

from datetime import date, datetime, UTC

from ecf_shared.events.envelope import Actor
from ecf_shared.uow import UnitOfWork
from inductions.domain.model import Appeal, Extension, Induction, InductionPeriod


def announce_status(uow: UnitOfWork, induction: Induction, before: tuple, *, actor: Actor, source: str,
                    reason: str, appeal_lodged_on: date | None = None, trs_induction: dict | None = None) -> None:
    """inductions.induction.status_changed, exactly when the derived status or its dates changed; an appeal
    decision carries the day the appeal was lodged, which trs-sync's edit rules time the decision from. An import
    carries what TRS held when it checked (`trs_induction`): trs-sync sends nothing TRS already holds."""
    if induction.snapshot() == before:
        return
    uow.publish("inductions.induction.status_changed", {
        "induction_id": induction.id, "trn": induction.trn, "old_status": before[0], "new_status": induction.status(),
        "start_date": induction.start_date(), "completed_date": induction.completed_date(),
        "changed_at": datetime.now(UTC), "source": source, "reason": reason,
        "appeal_lodged_on": appeal_lodged_on,
        **({"imported": True, "trs_induction": trs_induction} if trs_induction is not None else {}),
    }, actor=actor)


def period(uow: UnitOfWork, kind: str, induction: Induction, p: InductionPeriod, actor: Actor) -> None:
    """kind: opened | closed | updated."""
    uow.publish(f"inductions.period.{kind}", {
        "period_id": p.id, "induction_id": induction.id, "trn": induction.trn,
        "appropriate_body_id": p.appropriate_body_id, "started_on": p.started_on, "finished_on": p.finished_on,
        "number_of_terms": p.number_of_terms, "outcome": p.outcome, "training_programme": p.training_programme,
    }, actor=actor)


def extension_recorded(uow: UnitOfWork, induction: Induction, extension: Extension, actor: Actor) -> None:
    uow.publish("inductions.extension.recorded", {
        "extension_id": extension.id, "induction_id": induction.id, "trn": induction.trn, "terms": extension.terms,
        "terms_required": induction.terms_required(),
    }, actor=actor)


def appeal(uow: UnitOfWork, kind: str, induction: Induction, a: Appeal, actor: Actor) -> None:
    """kind: lodged | decided."""
    uow.publish(f"inductions.appeal.{kind}", {
        "appeal_id": a.id, "induction_id": induction.id, "trn": induction.trn, "period_id": a.period_id,
        "lodged_on": a.lodged_on, "decision": a.decision, "decided_on": a.decided_on,
        "replacement_outcome": "pass" if a.decision == "upheld_replace" else None,
    }, actor=actor)


def exemption_recorded(uow: UnitOfWork, induction: Induction, actor: Actor) -> None:
    uow.publish("inductions.exemption.recorded", {
        "induction_id": induction.id, "trn": induction.trn, "reason": induction.exemption.reason,
        "source": induction.exemption.source,
    }, actor=actor)
