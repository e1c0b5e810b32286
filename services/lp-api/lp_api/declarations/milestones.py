"""Milestones: for a participant's schedule and cohort, when each declaration type may be declared.

- Standard schedules of the 2021 to 2024 cohorts: the windows the existing service publishes (start date and
  milestone date, the last day a declaration counts), in data/standard_milestones.csv.
- Standard schedules from the 2025 cohort: every milestone opens on 1 July of the cohort's year and has no
  milestone date (the existing service's 2025 data, "deliberately looser"; 2026 onwards follow the same rule).
- Reduced, extended and replacement schedules: every milestone opens on the schedule's first day (1 September
  of the cohort's year, 1 January or 1 April of the next) and has no milestone date (no milestone validation).

Extended schedules also have extended-1 to extended-3. See docs/reference/declarations.md.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

STANDARD_TYPES = ("started", "retained-1", "retained-2", "retained-3", "retained-4", "completed")
EXTENDED_TYPES = STANDARD_TYPES + ("extended-1", "extended-2", "extended-3")
DECLARATION_TYPES = EXTENDED_TYPES
FIRST_COHORT = 2021
LAST_PUBLISHED_COHORT = 2024  # the last cohort whose standard schedules have milestone dates
LOOSE_STANDARD_START = (7, 1)  # 1 July of the cohort's year, from 2025


@dataclass(frozen=True)
class Milestone:
    declaration_type: str
    start_date: date
    milestone_date: date | None  # the last day a declaration counts for it; None: no end
    payment_date: date | None = None


@cache
def _published() -> dict[tuple[int, str, str], Milestone]:
    text = files("lp_api").joinpath("data/standard_milestones.csv").read_text()
    return {(int(r["cohort"]), r["schedule"], r["declaration_type"]): Milestone(
        r["declaration_type"], date.fromisoformat(r["start_date"]), date.fromisoformat(r["milestone_date"]),
        date.fromisoformat(r["payment_date"])) for r in csv.DictReader(text.splitlines())}


def _first_day(month: str, cohort: int) -> date | None:
    return {"september": date(cohort, 9, 1), "january": date(cohort + 1, 1, 1),
            "april": date(cohort + 1, 4, 1)}.get(month)


def declaration_types(schedule: str) -> tuple[str, ...]:
    return EXTENDED_TYPES if schedule.startswith("ecf-extended-") else STANDARD_TYPES


def milestone_for(schedule: str, cohort: int, declaration_type: str) -> Milestone | None:
    """None when the schedule has no such milestone (or the cohort is before any the service funded)."""
    parts = schedule.split("-")
    if len(parts) != 3 or parts[0] != "ecf" or cohort < FIRST_COHORT or declaration_type not in declaration_types(schedule):
        return None
    kind, month = parts[1], parts[2]
    if kind == "standard":
        if cohort <= LAST_PUBLISHED_COHORT:
            return _published().get((cohort, schedule, declaration_type))
        if month not in ("september", "january", "april"):
            return None
        return Milestone(declaration_type, date(cohort, *LOOSE_STANDARD_START), None)
    if kind not in ("reduced", "extended", "replacement"):
        return None
    start = _first_day(month, cohort)
    return Milestone(declaration_type, start, None) if start else None
