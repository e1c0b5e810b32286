"""Whether a CPD status change goes to TRS: newest settled change wins, then the edit rules, then what TRS takes."""
from __future__ import annotations

from dataclasses import dataclass

from ecf_shared import edit_rules
from trs_sync.domain.model import Delivery, StatusChange

CPD_SENDABLE_STATUSES = edit_rules.CPD_SENDABLE_STATUSES


@dataclass(frozen=True)
class Send:
    pass


@dataclass(frozen=True)
class Supersede:
    reason: str


@dataclass(frozen=True)
class HandOver:
    error_code: str
    detail: str


Decision = Send | Supersede | HandOver


def decide(change: StatusChange, settled: Delivery | None) -> Decision:
    if settled is not None and change.changed_at < settled.changed_at:
        return Supersede(f"A newer change (from {settled.changed_at.isoformat()}) was already settled "
                         f"({settled.outcome}).")
    verdict = edit_rules.evaluate(proposal(change, settled))
    if verdict.outcome != "allowed":
        return HandOver(verdict.reason_code, verdict.message)
    if change.induction.status not in CPD_SENDABLE_STATUSES:
        return HandOver("status_not_sendable",
                        f"TRS does not accept {change.induction.status} from CPD; record it in the TRS console.")
    return Send()


def proposal(change: StatusChange, settled: Delivery | None) -> edit_rules.Proposal:
    """The change as the edit rules see it. Windows are anchored on the outcome CPD last settled, and an appeal
    decision on the day the appeal was lodged (events from before inductions sent that date: on the outcome)."""
    outcome_on = settled.completed_date if settled is not None else None
    return edit_rules.Proposal(field="status", actor=change.actor, state=change.old_status,
                               change=change.induction.status, today=change.changed_at.date(), outcome_on=outcome_on,
                               appeal_lodged_on=change.appeal_lodged_on or outcome_on,
                               completed_date=change.induction.completed_date)
