"""What trs-sync knows, free of the ORM and of TRS's wire format."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Induction:
    status: str
    start_date: date | None = None
    completed_date: date | None = None


@dataclass(frozen=True)
class Teacher:
    """A teacher as TRS holds them, normalised for our callers."""

    trn: str
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date
    qts_awarded_on: date | None
    induction: Induction
    prohibited_from_teaching: bool
    merged_from: str | None = None  # the TRN asked for, when TRS merged it into `trn`


@dataclass(frozen=True)
class StatusChange:
    """An induction status change CPD wants TRS to hold."""

    event_id: str
    trn: str
    induction: Induction
    changed_at: datetime
    source: str

    @classmethod
    def from_event(cls, event_id: str, data: dict) -> "StatusChange":
        return cls(event_id=event_id, trn=data["trn"],
                   induction=Induction(data["new_status"], data["start_date"], data["completed_date"]),
                   changed_at=data["changed_at"], source=data["source"])


@dataclass
class SyncLogEntry:
    """One attempt to settle a status change with TRS, whether or not TRS was called."""

    trn: str
    event_id: str
    outcome: str  # delivered | superseded | manual | retry
    request_body: dict | None = None
    response_status: int | None = None
    error_code: str | None = None
    detail: str | None = None
    duration_ms: int | None = None
    at: datetime = field(default_factory=_now)
    id: int | None = None


@dataclass
class ManualHandlingItem:
    """A change TRS cannot take from CPD; someone must settle it by hand."""

    trn: str
    event_id: str
    status: str
    start_date: date | None
    completed_date: date | None
    changed_at: datetime
    error_code: str | None
    detail: str
    state: str = "open"
    created_at: datetime = field(default_factory=_now)
    id: int | None = None


@dataclass
class Delivery:
    """The newest change TRS accepted for a teacher: older ones must not overwrite it."""

    trn: str
    changed_at: datetime
    event_id: str
    status: str
    delivered_at: datetime = field(default_factory=_now)

    def record(self, change: StatusChange) -> None:
        self.changed_at = change.changed_at
        self.event_id = change.event_id
        self.status = change.induction.status
        self.delivered_at = _now()
