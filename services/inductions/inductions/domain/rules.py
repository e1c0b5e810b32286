"""The rules of periods, terms and extensions from the current service, as plain functions raising clear errors."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecf_shared.errors import Conflict, Invalid

EARLIEST_START = date(1999, 9, 1)
STANDARD_TERMS = Decimal("6")
MAX_TERMS = Decimal("16")
MIN_EXTENSION_TERMS = Decimal("0.1")
PROGRAMMES = ("provider_led", "school_led")
OUTCOMES = ("pass", "fail")

# TRS's induction exemption reasons (its "induction exemption reason" list, as codes). The TRS console
# records its own reason, which it does not send us: `recorded_in_trs` stands for that one.
EXEMPTION_REASONS = {
    "qualified_before_7_may_2000": "Qualified before 7 May 2000",
    "qualified_in_wales_1999_2003": "Qualified between 7 May 1999 and 1 April 2003; first post in Wales lasting two terms",
    "passed_induction_in_northern_ireland": "Passed induction in Northern Ireland",
    "passed_induction_in_guernsey": "Passed induction in Guernsey",
    "passed_induction_in_jersey": "Passed induction in Jersey",
    "passed_induction_in_isle_of_man": "Passed induction in the Isle of Man",
    "passed_induction_in_gibraltar": "Passed probation in Gibraltar",
    "passed_induction_in_sce_germany_or_cyprus": "Passed induction in Service Children's Education schools in Germany or Cyprus",
    "full_registration_in_scotland": "Has, or is eligible for, full registration in Scotland",
    "overseas_trained_teacher": "Overseas trained teacher with QTS awarded through recognition",
    "qtls_with_set_membership": "Holds QTLS and keeps membership of the Society for Education and Training",
    "two_years_experience_registered_teacher": "Registered teacher with at least two years' full-time teaching experience",
    "recorded_in_trs": "Recorded as exempt in the TRS console",
}


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
