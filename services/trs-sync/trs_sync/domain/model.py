"""What trs-sync knows, free of the ORM and of TRS's wire format."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, UTC

from ecf_shared import edit_rules


def _now() -> datetime:
    return datetime.now(UTC)


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


# Who made a change, as the edit rules name them, from the event's actor type.
RULE_ACTORS = edit_rules.EVENT_ACTORS


@dataclass(frozen=True)
class StatusChange:
    """An induction status change CPD wants TRS to hold."""

    event_id: str
    trn: str
    induction: Induction
    changed_at: datetime
    source: str
    old_status: str = "None"
    actor: str = "system"  # an edit-rules actor
    appeal_lodged_on: date | None = None  # set when the change decides an appeal
    trs_held: Induction | None = None  # imported: what TRS held when the import checked it

    @property
    def already_in_trs(self) -> bool:
        return self.trs_held == self.induction

    @classmethod
    def from_event(cls, event) -> StatusChange:
        data = event.data
        change = cls(event_id=event.event_id, trn=data["trn"],
                     induction=Induction(data["new_status"], data["start_date"], data["completed_date"]),
                     changed_at=data["changed_at"], source=data["source"], old_status=data["old_status"] or "None",
                     actor=RULE_ACTORS.get(event.actor.type, "system"), appeal_lodged_on=data.get("appeal_lodged_on"))
        held = data.get("trs_induction")
        if data.get("imported") and held:
            # The import records what appropriate bodies recorded in the legacy service: the change TRS is asked to
            # make is from what TRS holds, by an appropriate body.
            change = replace(change, old_status=held["status"], actor="appropriate_body",
                             trs_held=Induction(held["status"], held.get("start_date"), held.get("completed_date")))
        return change

    @classmethod
    def from_item(cls, item: ManualHandlingItem) -> StatusChange:
        return cls(event_id=item.event_id, trn=item.trn,
                   induction=Induction(item.status, item.start_date, item.completed_date),
                   changed_at=item.changed_at, source="cpd", old_status=item.old_status or "None",
                   actor=item.actor_type or "system", appeal_lodged_on=item.appeal_lodged_on)


@dataclass
class SyncLogEntry:
    """One attempt to settle a status change with TRS, whether or not TRS was called."""

    trn: str
    event_id: str
    outcome: str  # delivered | already_in_trs | superseded | manual | retry
    request_body: dict | None = None
    response_status: int | None = None
    error_code: str | None = None
    detail: str | None = None
    duration_ms: int | None = None
    at: datetime = field(default_factory=_now)
    id: int | None = None


@dataclass
class ManualHandlingItem:
    """A change TRS cannot take from CPD, or one the TRS console made that CPD may not accept (drift); someone
    must settle it by hand."""

    trn: str
    event_id: str
    status: str
    start_date: date | None
    completed_date: date | None
    changed_at: datetime
    error_code: str | None
    detail: str
    old_status: str | None = None
    actor_type: str | None = None  # an edit-rules actor
    kind: str = "delivery"  # delivery (CPD's change) | drift (TRS's change: status and dates are what TRS holds)
    appeal_lodged_on: date | None = None
    state: str = "open"  # open | resolved (delivered on retry, or TRS back in line) | closed (settled by hand)
    resolution: str | None = None
    resolved_at: datetime | None = None
    created_at: datetime = field(default_factory=_now)
    id: int | None = None

    @classmethod
    def for_change(cls, change: StatusChange, error_code: str | None, detail: str) -> ManualHandlingItem:
        induction = change.induction
        return cls(trn=change.trn, event_id=change.event_id, status=induction.status,
                   start_date=induction.start_date, completed_date=induction.completed_date,
                   changed_at=change.changed_at, error_code=error_code, detail=detail,
                   old_status=change.old_status, actor_type=change.actor, appeal_lodged_on=change.appeal_lodged_on)

    @classmethod
    def for_drift(cls, event_id: str, drift, detected_at: datetime) -> ManualHandlingItem:
        trs, cpd = drift.trs, drift.cpd
        return cls(trn=drift.trn, event_id=event_id, status=trs.status, start_date=trs.start_date,
                   completed_date=trs.completed_date, changed_at=detected_at, error_code=drift.rule,
                   detail=f"TRS holds {_describe(trs)} but CPD last sent {_describe(cpd)}. {drift.detail}",
                   old_status=cpd.status, actor_type="trs_console", kind="drift")

    def settle(self, state: str, resolution: str) -> None:
        self.state, self.resolution, self.resolved_at = state, resolution, _now()


def _describe(induction: Induction) -> str:
    dates = ", ".join(f"{name} {value.isoformat()}" for name, value in
                      (("started", induction.start_date), ("completed", induction.completed_date)) if value)
    return f"{induction.status} ({dates})" if dates else induction.status


@dataclass
class ManualHandlingAudit:
    """Who did what to a manual-handling item, and why."""

    item_id: int
    action: str  # retry | close
    actor_user_id: str
    actor_email: str | None
    detail: str
    at: datetime = field(default_factory=_now)
    id: int | None = None


@dataclass
class Delivery:
    """For one teacher, the newest change settled either way (delivered, superseded or handed to people): no older
    change may go to TRS after it."""

    trn: str
    changed_at: datetime
    event_id: str
    status: str
    outcome: str  # delivered | already_in_trs | superseded | manual
    start_date: date | None = None
    completed_date: date | None = None
    delivered_at: datetime = field(default_factory=_now)  # when it was settled

    @classmethod
    def first(cls, change: StatusChange, outcome: str) -> Delivery:
        settled = cls(trn=change.trn, changed_at=change.changed_at, event_id=change.event_id,
                      status=change.induction.status, outcome=outcome)
        settled.record(change, outcome)
        return settled

    def record(self, change: StatusChange, outcome: str) -> None:
        if change.changed_at >= self.changed_at:
            induction = change.induction
            self.changed_at, self.event_id, self.outcome = change.changed_at, change.event_id, outcome
            self.status, self.start_date, self.completed_date = induction.status, induction.start_date, induction.completed_date
            self.delivered_at = _now()
