"""Strict parsing and formatting of TRS dates (YYYY-MM-DD) and timestamps."""

from __future__ import annotations

import re
from datetime import date, datetime, UTC

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value) -> date:
    """Parse a strict YYYY-MM-DD string; raise ValueError otherwise."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError("must be a date formatted YYYY-MM-DD")
    return date.fromisoformat(value)


def parse_optional_date(value) -> date | None:
    return None if value is None else parse_date(value)


def parse_timestamp(value) -> datetime:
    """Parse an ISO 8601 date-time; naive values are taken as UTC. Result is UTC-aware."""
    if not isinstance(value, str) or "T" not in value.upper():
        raise ValueError("must be an ISO 8601 date-time, e.g. 2025-02-03T10:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be an ISO 8601 date-time, e.g. 2025-02-03T10:00:00Z") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def fmt_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def fmt_timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def utcnow() -> datetime:
    return datetime.now(UTC)
