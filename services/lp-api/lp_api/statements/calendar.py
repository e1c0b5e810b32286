"""Which output statements a lead provider has for a cohort (pure).

The existing service's output statements for the 2023 to 2025 cohorts fall in January, April, August and October,
from January after the cohort's year to April three years later (the 2023 cohort also had August 2026); each
statement's cut-off date is the last day of the month before it and it is paid on the 25th. lp-api gives every
cohort that calendar (docs/reference/declarations.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

OUTPUT_MONTHS = (1, 4, 8, 10)
PAYMENT_DAY = 25
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


@dataclass(frozen=True)
class StatementPeriod:
    year: int
    month: int
    cut_off_date: date
    payment_date: date


def output_statements(cohort: int) -> list[StatementPeriod]:
    periods = []
    for year in range(cohort + 1, cohort + 4):
        for month in OUTPUT_MONTHS:
            if year == cohort + 3 and month > 4:
                break
            first = date(year, month, 1)
            periods.append(StatementPeriod(year, month, first - timedelta(days=1), date(year, month, PAYMENT_DAY)))
    return periods


def month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]
