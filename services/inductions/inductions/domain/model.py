"""The induction, free of the ORM. Its status is derived from periods, outcome and exemption, never stored.

Every change goes through the one transition table (ecf_shared.induction_transitions): a change it denies
is refused, one outside its window raises ManualHandlingRequired, and nothing is changed in either case.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ecf_shared.errors import Conflict, Invalid
from ecf_shared.induction_transitions import Decision, decide
from inductions.domain import rules

APPEAL_DECISIONS = {"dismissed": "appeal_dismissed", "upheld_continue": "appeal_upheld_continue",
                    "upheld_replace": "appeal_upheld_replace"}


def _id() -> str:
    return str(uuid.uuid4())


class ManualHandlingRequired(Conflict):
    """The change is outside its window: refused here, and queued for DfE staff by the caller."""

    def __init__(self, decision: Decision):
        super().__init__(decision.message, code="manual_handling_required",
                         details={"action": decision.transition.action, "reason_code": decision.reason_code})
        self.decision = decision


@dataclass
class InductionPeriod:
    induction_id: str
    appropriate_body_id: str
    started_on: date
    training_programme: str | None = None
    finished_on: date | None = None
    number_of_terms: Decimal | None = None
    outcome: str | None = None  # pass | fail | None (open, or released)
    appeal_notice_on: date | None = None  # when the ECT was told of the right to appeal a fail
    id: str = field(default_factory=_id)

    @property
    def is_open(self) -> bool:
        return self.finished_on is None

    def close(self, finished_on: date, number_of_terms: Decimal, outcome: str | None) -> None:
        self.finished_on, self.number_of_terms, self.outcome = finished_on, number_of_terms, outcome

    def reopen(self) -> None:
        self.finished_on = self.number_of_terms = self.outcome = self.appeal_notice_on = None


@dataclass
class Extension:
    induction_id: str
    terms: Decimal
    appropriate_body_id: str | None = None  # who recorded it; None when DfE staff did
    id: str = field(default_factory=_id)


@dataclass
class Appeal:
    induction_id: str
    period_id: str
    lodged_on: date
    decision: str | None = None  # dismissed | upheld_continue | upheld_replace
    decided_on: date | None = None
    id: str = field(default_factory=_id)


@dataclass
class Exemption:
    induction_id: str
    reason: str
    source: str  # cpd | trs
    exempted_on: date
    id: str = field(default_factory=_id)


@dataclass
class Induction:
    trn: str
    first_name: str
    last_name: str
    qts_awarded_on: date | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None
    periods: list[InductionPeriod] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)
    exemption: Exemption | None = None

    # --- derived -------------------------------------------------------------------------------
    def status(self) -> str:
        if self.exemption is not None:
            return "Exempt"
        outcome = self.outcome_period()
        if outcome is not None:
            return "Passed" if outcome.outcome == "pass" else "Failed"
        return "InProgress" if self.periods else "RequiredToComplete"

    def start_date(self) -> date | None:
        return min((p.started_on for p in self.periods), default=None)

    def completed_date(self) -> date | None:
        outcome = self.outcome_period()
        return outcome.finished_on if outcome and self.exemption is None else None

    def snapshot(self) -> tuple:
        """What trs-sync and lp-api are told: a status change is announced exactly when this changes."""
        return self.status(), self.start_date(), self.completed_date()

    def outcome_period(self) -> InductionPeriod | None:
        return next((p for p in self.periods if p.outcome is not None), None)

    def open_period(self) -> InductionPeriod | None:
        return next((p for p in self.periods if p.is_open), None)

    def latest_period(self) -> InductionPeriod | None:
        return max(self.periods, key=lambda p: p.started_on, default=None)

    def periods_of(self, appropriate_body_id: str) -> list[InductionPeriod]:
        return sorted((p for p in self.periods if p.appropriate_body_id == appropriate_body_id), key=lambda p: p.started_on)

    def pending_appeal(self) -> Appeal | None:
        return next((a for a in self.appeals if a.decision is None), None)

    def terms_required(self) -> Decimal:
        return rules.STANDARD_TERMS + sum((e.terms for e in self.extensions), Decimal("0"))

    def anchors(self) -> dict[str, date | None]:
        outcome, appeal = self.outcome_period(), self.pending_appeal()
        return {"outcome": outcome.finished_on if outcome else None, "appeal_lodged": appeal.lodged_on if appeal else None}

    # --- changes -------------------------------------------------------------------------------
    def _decide(self, action: str, actor: str, today: date) -> Decision:
        decision = decide(action, actor, self.status(), self.anchors(), today)
        if decision.outcome == "denied":
            error = Invalid if decision.reason_code == "unknown_action" else Conflict
            raise error(decision.message, code=decision.reason_code)
        return decision

    @staticmethod
    def _proceed(decision: Decision) -> None:
        if decision.outcome == "manual_handling":
            raise ManualHandlingRequired(decision)

    def check_claimable(self, appropriate_body_id: str) -> None:
        """Only one appropriate body at a time: nobody may claim while a period is open."""
        open_period = self.open_period()
        if open_period is not None:
            if open_period.appropriate_body_id == appropriate_body_id:
                raise Conflict("You have already claimed this ECT.", code="already_claimed")
            raise Conflict("Another appropriate body has an open induction period for this ECT. It must release "
                           "them before you can claim.", code="claimed_by_another_appropriate_body")

    def claim(self, appropriate_body_id: str, started_on: date, training_programme: str | None, *, actor: str,
              today: date) -> InductionPeriod:
        self.check_claimable(appropriate_body_id)
        action = "claim" if self.status() == "RequiredToComplete" else "claim_after_release"
        decision = self._decide(action, actor, today)
        rules.check_start(started_on, today=today, qts_awarded_on=self.qts_awarded_on,
                          earlier_ends=[p.finished_on for p in self.periods])
        self._proceed(decision)
        period = InductionPeriod(self.id, appropriate_body_id, started_on, training_programme)
        self.periods.append(period)
        return period

    def finish_period(self, appropriate_body_id: str, outcome: str, finished_on: date, number_of_terms: Decimal, *,
                      actor: str, today: date, appeal_notice_on: date | None = None) -> InductionPeriod:
        """Pass, fail or release (no outcome) the open period of this appropriate body."""
        period = self.open_period()
        if period is None or period.appropriate_body_id != appropriate_body_id:
            raise Conflict("You have no open induction period for this ECT.", code="no_open_period")
        decision = self._decide(outcome, actor, today)
        rules.check_end(finished_on, started_on=period.started_on, today=today)
        rules.check_terms(number_of_terms)
        if outcome == "fail":
            if appeal_notice_on is None:
                message = "Confirm that the ECT was told of their right to appeal, and when."
                raise Invalid(message, code="appeal_notice_required",
                              fields={"appeal_notice_confirmed": [message], "appeal_notice_confirmed_on": [message]})
            if appeal_notice_on > today:
                raise Invalid("That date is in the future.", fields={"appeal_notice_confirmed_on": ["Cannot be in the future."]})
        self._proceed(decision)
        period.close(finished_on, number_of_terms, None if outcome == "release" else outcome)
        period.appeal_notice_on = appeal_notice_on if outcome == "fail" else None
        return period

    def record_extension(self, appropriate_body_id: str | None, terms: Decimal, *, actor: str, today: date) -> Extension:
        self._proceed(self._decide("record_extension", actor, today))
        rules.check_extension_terms(terms)
        extension = Extension(self.id, terms, appropriate_body_id)
        self.extensions.append(extension)
        return extension

    def edit_extension(self, extension: Extension, terms: Decimal, *, actor: str, today: date) -> Extension:
        self._proceed(self._decide("record_extension", actor, today))
        rules.check_extension_terms(terms)
        extension.terms = terms
        return extension

    def lodge_appeal(self, *, actor: str, today: date) -> Appeal:
        decision = self._decide("lodge_appeal", actor, today)
        if self.pending_appeal() is not None:
            raise Conflict("An appeal against this fail is already waiting for a decision.", code="appeal_pending")
        self._proceed(decision)
        appeal = Appeal(self.id, self.outcome_period().id, today)
        self.appeals.append(appeal)
        return appeal

    def decide_appeal(self, appeal: Appeal, decision_name: str, *, actor: str, today: date) -> InductionPeriod | None:
        """Record the decision; returns the period it changed, if any."""
        if appeal.decision is not None:
            raise Conflict("This appeal has already been decided.", code="appeal_already_decided")
        if decision_name not in APPEAL_DECISIONS:
            raise Invalid("Unknown decision.", fields={"decision": [f"One of: {', '.join(APPEAL_DECISIONS)}."]})
        self._proceed(self._decide(APPEAL_DECISIONS[decision_name], actor, today))
        appeal.decision, appeal.decided_on = decision_name, today
        period = next(p for p in self.periods if p.id == appeal.period_id)
        if decision_name == "upheld_continue":
            period.reopen()
        elif decision_name == "upheld_replace":
            period.outcome = "pass"
        else:
            return None
        return period

    def reopen_latest(self, *, note: str | None, ticket: str | None, actor: str, today: date) -> InductionPeriod:
        if not (note or ticket):
            message = "Give a note or a support ticket reference."
            raise Invalid(message, fields={"note": [message], "support_ticket": [message]})
        latest = self.latest_period()
        if latest is None or latest.is_open or latest.outcome is None:
            raise Conflict("Only the latest period, finished with an outcome, can be reopened.", code="not_reopenable")
        action = "admin_reopen_passed" if self.status() == "Passed" else "admin_reopen_failed"
        self._proceed(self._decide(action, actor, today))
        latest.reopen()
        return latest

    def exempt(self, reason: str, source: str, *, actor: str, today: date,
               number_of_terms: Decimal | None = None) -> InductionPeriod | None:
        """Record the exemption, closing the open period on `today`; returns that period, if any."""
        action = "exempt_before_start" if self.status() == "RequiredToComplete" else "exempt_in_progress"
        decision = self._decide(action, actor, today)
        rules.check_exemption_reason(reason)
        period = self.open_period()
        if period is not None:
            if number_of_terms is None:
                message = "Give the number of terms served in the open induction period."
                raise Invalid(message, fields={"number_of_terms": [message]})
            rules.check_terms(number_of_terms)
        self._proceed(decision)
        if period is not None:
            period.close(today, number_of_terms, None)
        self.exemption = Exemption(self.id, reason, source, today)
        return period
