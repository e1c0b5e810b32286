"""Date arithmetic that cannot overflow: past the calendar's ends it stays at date.min / date.max."""
from __future__ import annotations

from datetime import date, timedelta


def add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a year that has none)."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
