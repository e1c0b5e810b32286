"""Drift: TRS holding an induction other than the one CPD last sent, and whether the edit rules permit it.

TRS sends no webhooks, so changes made in the TRS console are only found by reading TRS. A teacher is
watched while CPD's record is open: the induction is under way, or an outcome was recorded so recently
that CPD may still correct it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, UTC

from ecf_shared import induction_transitions as transitions
from ecf_shared import edit_rules
from ecf_shared.dates import add_days
from trs_sync.domain.model import Induction, StatusChange

UNDER_WAY = frozenset({"RequiredToComplete", "InProgress"})
OUTCOMES = frozenset({"Passed", "Failed"})
DATE_FIELDS = ("start_date", "completed_date")


def _now() -> datetime:
    return datetime.now(UTC)


def closes_the_record(induction: Induction) -> bool:
    """An exemption (or a status only TRS records) leaves CPD nothing to watch."""
    return induction.status not in UNDER_WAY | OUTCOMES


def watch_until(induction: Induction, changed_on: date) -> date | None:
    """The last day TRS is read for drift from this CPD state; None: not watched (exempt, or never CPD's)."""
    if induction.status in UNDER_WAY:
        return date.max
    if induction.status in OUTCOMES:
        return add_days(induction.completed_date or changed_on, transitions.OUTCOME_CORRECTION_DAYS)
    return None


@dataclass(frozen=True)
class Drift:
    trn: str
    cpd: Induction  # what CPD last sent
    trs: Induction  # what TRS holds now
    classification: str  # permitted | manual_review
    rule: str  # the rule's name when permitted, else the edit rules' reason code
    detail: str


def classify(cpd: Induction, trs: Induction, today: date) -> tuple[str, str, str]:
    """(classification, rule, detail) for a change the TRS console made to what CPD sent."""
    decisions = [edit_rules.evaluate(p) for p in _proposals(cpd, trs, today)]
    refused = next((d for d in decisions if d.outcome != "allowed"), None)
    if refused is None:
        allowed = decisions[0]
        return "permitted", allowed.rule or allowed.reason_code, allowed.message
    return "manual_review", refused.reason_code, refused.message


def _proposals(cpd: Induction, trs: Induction, today: date) -> list[edit_rules.Proposal]:
    def proposal(field_name: str, change: str) -> edit_rules.Proposal:
        return edit_rules.Proposal(field=field_name, actor="trs_console", state=cpd.status, change=change,
                                   today=today, completed_date=cpd.completed_date)

    if trs.status not in edit_rules.STATUSES:
        raise ValueError(f"TRS sent an induction status the edit rules do not know: {trs.status}")
    if trs.status != cpd.status:
        # The dates go with the new status (an exemption has none of its own), so the status change is judged.
        return [proposal("status", trs.status)]
    return [proposal(name, "set" if getattr(trs, name) else "clear")
            for name in DATE_FIELDS if getattr(trs, name) != getattr(cpd, name)]


@dataclass
class WatchedTeacher:
    """A teacher whose induction CPD sent to TRS, with what TRS last showed that was reported as drift."""

    trn: str
    date_of_birth: date | None = None  # from lookups: TRS's persons/find needs it
    cpd_status: str | None = None
    cpd_start_date: date | None = None
    cpd_completed_date: date | None = None
    cpd_changed_at: datetime | None = None
    watch_until: date | None = None
    reported_status: str | None = None
    reported_start_date: date | None = None
    reported_completed_date: date | None = None
    reported_at: datetime | None = None
    checked_at: datetime | None = None

    @property
    def cpd(self) -> Induction | None:
        return None if self.cpd_status is None else Induction(self.cpd_status, self.cpd_start_date,
                                                              self.cpd_completed_date)

    @property
    def reported(self) -> Induction | None:
        return None if self.reported_status is None else Induction(self.reported_status, self.reported_start_date,
                                                                   self.reported_completed_date)

    def sent(self, change: StatusChange) -> None:
        """CPD's change reached TRS: it is what TRS should hold from now on."""
        if self.cpd_changed_at is not None and change.changed_at < self.cpd_changed_at:
            return
        induction = change.induction
        self.cpd_status, self.cpd_start_date, self.cpd_completed_date = (induction.status, induction.start_date,
                                                                         induction.completed_date)
        self.cpd_changed_at = change.changed_at
        self.watch_until = watch_until(induction, change.changed_at.date())

    def stop_watching(self) -> None:
        self.watch_until = None

    def compare(self, trs: Induction, today: date) -> Drift | None:
        """Drift not yet reported, if any. A TRS back in line with CPD is forgotten, so a later drift is new."""
        self.checked_at = _now()
        cpd = self.cpd
        if cpd is None or trs == cpd:
            self.reported_status = self.reported_start_date = self.reported_completed_date = self.reported_at = None
            return None
        if trs == self.reported:
            return None
        classification, rule, detail = classify(cpd, trs, today)
        self.reported_status, self.reported_start_date, self.reported_completed_date = (trs.status, trs.start_date,
                                                                                        trs.completed_date)
        self.reported_at = self.checked_at
        return Drift(self.trn, cpd, trs, classification, rule, detail)
