"""The in-flight import's rules, free of files, TRS and the database: one legacy row read into a period, and one
teacher's periods checked against every period rule of the current service and against what TRS holds.

A problem is a (reason code, message) pair; the importer rejects the row, or all of a teacher's rows, with it.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from inductions.domain import rules

COLUMNS = ("TRN", "Date of birth", "Appropriate body", "Induction period start date", "Induction period end date",
           "Number of terms", "Induction programme", "Outcome")
TRN = re.compile(r"\d{7}")
TRS_COMPLETED = ("Passed", "Failed", "FailedInWales", "Exempt")

# The legacy service's programme names (and ours) → our training programme.
PROGRAMMES = {
    "provider_led": "provider_led", "provider led": "provider_led", "provider-led": "provider_led",
    "fip": "provider_led", "full induction programme": "provider_led", "school funded fip": "provider_led",
    "school_led": "school_led", "school led": "school_led", "school-led": "school_led",
    "cip": "school_led", "core induction programme": "school_led", "diy": "school_led",
    "design our own": "school_led",
}
OUTCOMES = {"": None, "pass": "pass", "passed": "pass", "fail": "fail", "failed": "fail", "release": None,
            "released": None}

# Reason codes, as the summary and the rejects file name them.
REASONS = {
    "undecodable": "The row is not valid UTF-8.",
    "wrong_column_count": "The row does not have the 8 columns of the header.",
    "invalid_trn": "The TRN is not 7 digits.",
    "invalid_date_of_birth": "The date of birth is missing or not a date (DD/MM/YYYY or YYYY-MM-DD).",
    "unknown_appropriate_body": "The appropriate body is not in the mapping file.",
    "invalid_start_date": "The start date is missing or not a date.",
    "invalid_end_date": "The end date is not a date.",
    "invalid_number_of_terms": "The number of terms is not 0–16 with at most one decimal place.",
    "invalid_programme": "The induction programme is not one we know.",
    "invalid_outcome": "The outcome is not pass, fail or empty.",
    "start_in_future": "The start date is in the future.",
    "start_before_1999": "The start date is before 1 September 1999.",
    "end_in_future": "The end date is in the future.",
    "end_before_start": "The end date is before the start date.",
    "terms_missing": "A finished period needs its number of terms.",
    "terms_on_open_period": "An open period has no number of terms yet.",
    "outcome_on_open_period": "Only a finished period has an outcome.",
    "duplicate_row": "The same period appears earlier in the file; this copy is ignored.",
    "date_of_birth_differs": "The teacher's rows give different dates of birth.",
    "overlapping_periods": "The teacher's periods overlap (at most one is open, and none share a day).",
    "several_outcomes": "The teacher has more than one period with an outcome.",
    "period_after_outcome": "A period starts after the one with the outcome.",
    "other_row_rejected": "Another row of this teacher was rejected, so none of the teacher's rows is imported.",
    "trs_not_found": "TRS does not know this TRN with this date of birth.",
    "trs_completed": "TRS shows the induction completed (Passed, Failed or Exempt) but the file does not agree.",
    "no_qts": "TRS shows no QTS, so the induction cannot have started.",
    "start_before_qts": "The start date is before the QTS date in TRS.",
    "prohibited_from_teaching": "TRS shows the teacher prohibited from teaching.",
    "already_recorded_in_cpd": "CPD already records induction periods for this teacher; the CPD record stands.",
    "changed_in_cpd_since_import": "The record was changed in CPD since it was imported; the CPD record stands.",
}
TRS_MISMATCHES = ("trs_not_found", "trs_completed")


class Problem(Exception):
    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(detail or REASONS[reason])
        self.reason, self.detail = reason, detail or REASONS[reason]


@dataclass(frozen=True)
class LegacyPeriod:
    """One row of the legacy file, read."""

    line: int
    trn: str
    date_of_birth: date
    appropriate_body_id: str
    started_on: date
    finished_on: date | None
    number_of_terms: Decimal | None
    training_programme: str | None
    outcome: str | None

    def key(self) -> tuple:
        """What the period is, whichever line it is on."""
        return (self.appropriate_body_id, self.started_on, self.finished_on, self.number_of_terms,
                self.training_programme, self.outcome)


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse_date(value: str) -> date:
    value = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _date(value: str, reason: str, *, required: bool) -> date | None:
    if not value.strip():
        if required:
            raise Problem(reason)
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise Problem(reason, f"{REASONS[reason]} Got {value.strip()!r}.") from None


def _terms(value: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        terms = Decimal(value.strip())
    except InvalidOperation:
        raise Problem("invalid_number_of_terms", f"{REASONS['invalid_number_of_terms']} Got {value.strip()!r}.") from None
    if not terms.is_finite() or terms < 0 or terms > rules.MAX_TERMS or terms != terms.quantize(Decimal("0.1")):
        raise Problem("invalid_number_of_terms", f"{REASONS['invalid_number_of_terms']} Got {value.strip()!r}.")
    return terms.quantize(Decimal("0.1"))


def read_trn(cells: list[str]) -> str:
    """The row's TRN, checked first: a row without one cannot be put with its teacher's other rows."""
    if len(cells) != len(COLUMNS):
        raise Problem("wrong_column_count", f"{REASONS['wrong_column_count']} It has {len(cells)}.")
    trn = cells[0].strip()
    if not TRN.fullmatch(trn):
        raise Problem("invalid_trn")
    return trn


def read_row(line: int, cells: list[str], mapping: dict[str, str], today: date) -> LegacyPeriod:
    """One row, with every rule that one period can break on its own; raises Problem."""
    trn = read_trn(cells)
    dob_cell, body, start_cell, end_cell, terms_cell, programme_cell, outcome_cell = cells[1:]
    date_of_birth = _date(dob_cell, "invalid_date_of_birth", required=True)
    appropriate_body_id = mapping.get(normalise_name(body))
    if appropriate_body_id is None:
        raise Problem("unknown_appropriate_body", f"{REASONS['unknown_appropriate_body']} Got {body.strip()!r}.")
    started_on = _date(start_cell, "invalid_start_date", required=True)
    finished_on = _date(end_cell, "invalid_end_date", required=False)
    terms = _terms(terms_cell)
    programme = None
    if programme_cell.strip():
        programme = PROGRAMMES.get(normalise_name(programme_cell))
        if programme is None:
            raise Problem("invalid_programme", f"{REASONS['invalid_programme']} Got {programme_cell.strip()!r}.")
    if normalise_name(outcome_cell) not in OUTCOMES:
        raise Problem("invalid_outcome", f"{REASONS['invalid_outcome']} Got {outcome_cell.strip()!r}.")
    outcome = OUTCOMES[normalise_name(outcome_cell)]
    if started_on > today:
        raise Problem("start_in_future")
    if started_on < rules.EARLIEST_START:
        raise Problem("start_before_1999")
    if finished_on is not None:
        if finished_on > today:
            raise Problem("end_in_future")
        if finished_on < started_on:
            raise Problem("end_before_start")
        if terms is None:
            raise Problem("terms_missing")
    else:
        if terms is not None:
            raise Problem("terms_on_open_period")
        if outcome is not None:
            raise Problem("outcome_on_open_period")
    return LegacyPeriod(line, trn, date_of_birth, appropriate_body_id, started_on, finished_on, terms, programme,
                        outcome)


def check_periods(periods: list[LegacyPeriod]) -> list[tuple[int, Problem]]:
    """The rules between one teacher's periods (each already read): (line, problem) for each row that breaks one."""
    problems: list[tuple[int, Problem]] = []
    if len({p.date_of_birth for p in periods}) > 1:
        return [(p.line, Problem("date_of_birth_differs")) for p in periods]
    ordered = sorted(periods, key=lambda p: (p.started_on, p.line))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.finished_on is None or later.started_on <= earlier.finished_on:
            problems.append((later.line, Problem(
                "overlapping_periods", f"{REASONS['overlapping_periods']} It overlaps line {earlier.line}.")))
    with_outcome = [p for p in ordered if p.outcome is not None]
    if len(with_outcome) > 1:
        problems.extend((p.line, Problem("several_outcomes")) for p in with_outcome[1:])
    elif with_outcome:
        problems.extend((p.line, Problem("period_after_outcome")) for p in ordered
                        if p.started_on > with_outcome[0].started_on)
    return problems


def status_of(periods: list[LegacyPeriod]) -> str:
    """The induction status the file implies, as Induction.status() would derive it."""
    outcome = next((p.outcome for p in periods if p.outcome is not None), None)
    if outcome is not None:
        return "Passed" if outcome == "pass" else "Failed"
    return "InProgress"


@dataclass(frozen=True)
class TrsTeacher:
    """What the import needs of TRS's record."""

    trn: str
    first_name: str
    last_name: str
    qts_awarded_on: date | None
    prohibited_from_teaching: bool
    status: str
    start_date: date | None
    completed_date: date | None


def check_against_trs(periods: list[LegacyPeriod], trs: TrsTeacher | None) -> Problem | None:
    """A teacher TRS does not know, or whose induction TRS closed otherwise, is reported rather than imported."""
    if trs is None:
        return Problem("trs_not_found")
    file_status = status_of(periods)
    if trs.status in TRS_COMPLETED and trs.status != file_status:
        return Problem("trs_completed", f"TRS shows the induction as {trs.status}; the file says {file_status}.")
    if trs.prohibited_from_teaching:
        return Problem("prohibited_from_teaching")
    if trs.qts_awarded_on is None:
        return Problem("no_qts")
    first_start = min(p.started_on for p in periods)
    if first_start < trs.qts_awarded_on:
        return Problem("start_before_qts", f"The first period starts on {first_start.isoformat()}, before QTS "
                                           f"({trs.qts_awarded_on.isoformat()}).")
    return None


def fingerprint(periods) -> str:
    """The same for the same periods, however they were read (legacy rows or the record's own periods)."""
    keys = sorted((str(p.appropriate_body_id), p.started_on.isoformat(), p.finished_on.isoformat() if p.finished_on else "",
                   "" if p.number_of_terms is None else str(Decimal(p.number_of_terms).quantize(Decimal("0.1"))),
                   p.training_programme or "", p.outcome or "") for p in periods)
    return hashlib.sha256(repr(keys).encode()).hexdigest()


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
