"""The rules of periods, terms and extensions from the current service, as plain functions raising clear errors."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecf_shared.errors import Conflict, Invalid
from ecf_shared.induction_transitions import EXEMPTION_REASONS  # noqa: F401 - TRS's reasons, shared with the portal

EARLIEST_START = date(1999, 9, 1)
STANDARD_TERMS = Decimal("6")
MAX_TERMS = Decimal("16")
MIN_EXTENSION_TERMS = Decimal("0.1")
PROGRAMMES = ("provider_led", "school_led")
OUTCOMES = ("pass", "fail")

def check_terms(terms: Decimal, *, field: str = "number_of_terms", minimum: Decimal = Decimal("0")) -> None:
    if terms < minimum or terms > MAX_TERMS or terms != terms.quantize(Decimal("0.1")):
        message = f"Must be between {minimum} and {MAX_TERMS}, with at most one decimal place."
        raise Invalid(message, fields={field: [message]})


def check_extension_terms(terms: Decimal) -> None:
    check_terms(terms, field="terms", minimum=MIN_EXTENSION_TERMS)


def check_start(started_on: date, *, today: date, qts_awarded_on: date | None, earlier_ends: list[date]) -> None:
    """A period's start: not in the future, not before 1 Sep 1999, not before QTS, after every earlier period's end.

    Periods are inclusive ranges, so a period may start the day after an earlier one finished, not on that day."""
    problem = None
    if started_on > today:
        problem = "The start date cannot be in the future."
    elif started_on < EARLIEST_START:
        problem = "The start date cannot be before 1 September 1999."
    elif qts_awarded_on is not None and started_on < qts_awarded_on:
        problem = f"The start date cannot be before the QTS date ({qts_awarded_on.isoformat()})."
    elif earlier_ends and started_on <= max(earlier_ends):
        problem = f"The start date must be after the end of the earlier period ({max(earlier_ends).isoformat()})."
    if problem:
        raise Invalid(problem, fields={"started_on": [problem]})


def check_end(finished_on: date, *, started_on: date, today: date) -> None:
    problem = None
    if finished_on > today:
        problem = "The end date cannot be in the future."
    elif finished_on < started_on:
        problem = f"The end date cannot be before the start date ({started_on.isoformat()})."
    if problem:
        raise Invalid(problem, fields={"finished_on": [problem]})


def check_single_outcome(existing_outcomes: int) -> None:
    if existing_outcomes:
        raise Conflict("This induction already has an outcome on another period.", code="outcome_already_recorded")


def check_exemption_reason(reason: str) -> None:
    if reason not in EXEMPTION_REASONS:
        raise Invalid("Choose one of TRS's exemption reasons.", fields={"reason": [f"One of: {', '.join(EXEMPTION_REASONS)}."]})
