"""Whether a CPD status change goes to TRS. The CPD-vs-TRS edit rules grow here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trs_sync.domain.model import StatusChange

# What TRS's cpd-induction endpoint accepts; anything else (Exempt, FailedInWales, None) CPD cannot send.
CPD_SENDABLE_STATUSES = frozenset({"RequiredToComplete", "InProgress", "Passed", "Failed"})


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


def decide(change: StatusChange, last_delivered_at: datetime | None) -> Decision:
    if last_delivered_at is not None and change.changed_at < last_delivered_at:
        return Supersede(f"A newer change (from {last_delivered_at.isoformat()}) was already delivered.")
    if change.induction.status not in CPD_SENDABLE_STATUSES:
        return HandOver("status_not_sendable",
                        f"TRS does not accept {change.induction.status} from CPD; record it in the TRS console.")
    return Send()
