"""How dates and values read on a page (GOV.UK style: 1 September 2026)."""
from __future__ import annotations

from datetime import date, datetime


def format_date(value) -> str:
    if not value:
        return ""
    day = date.fromisoformat(str(value)[:10]) if not isinstance(value, date) else value
    return f"{day.day} {day.strftime('%B %Y')}"


def format_datetime(value) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(str(value)) if not isinstance(value, datetime) else value
    hour = moment.strftime("%I").lstrip("0") or "12"
    return f"{format_date(moment.date())} at {hour}:{moment.strftime('%M%p').lower()}"


def form_date(form, field: str) -> dict:
    return {part: form.get(f"{field}-{part}", "") for part in ("day", "month", "year")}
