"""Reading what people typed: each function answers (value, error message or None), in GOV.UK's wording."""
from __future__ import annotations

import re
from datetime import date

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRN = re.compile(r"^\d{7}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MONTHS = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}


def clean(value: str | None, max_length: int = 500) -> str:
    """Trimmed text without control characters or lone surrogates (PostgreSQL and UTF-8 refuse them)."""
    return CONTROL.sub("", (value or "").strip())[:max_length]


def trn(value: str | None) -> tuple[str | None, str | None]:
    text = re.sub(r"[\s-]", "", clean(value, 50))
    if not text:
        return None, "Enter the teacher reference number (TRN)"
    if not TRN.match(text):
        return None, "Teacher reference number must include 7 digits"
    return text, None


def email(value: str | None, what: str = "email address") -> tuple[str | None, str | None]:
    text = clean(value, 320)
    if not text:
        return None, f"Enter the {what}"
    if not EMAIL.match(text) or len(text) > 320:
        article = "an" if what[0] in "aeiou" else "a"
        return None, f"Enter {article} {what} in the correct format, like name@example.com"
    return text, None


def required_choice(value: str | None, allowed, message: str) -> tuple[str | None, str | None]:
    text = clean(value, 100)
    if text not in set(allowed):
        return None, message
    return text, None


def _number(part: str) -> int | None:
    part = part.strip().lower()
    if part.isdigit():
        return int(part)
    if part[:3] in {m[:3] for m in MONTHS}:
        return next(i for name, i in MONTHS.items() if name.startswith(part[:3]))
    return None


def date_parts(form, prefix: str, label: str) -> tuple[date | None, str | None, list[str]]:
    """A GOV.UK date input (`prefix-day`, `-month`, `-year`): the date, the error and which parts are wrong."""
    parts = {k: clean(form.get(f"{prefix}-{k}"), 10) for k in ("day", "month", "year")}
    missing = [k for k, v in parts.items() if not v]
    if len(missing) == 3:
        return None, f"Enter the {label.lower()}", ["day", "month", "year"]
    if missing:
        return None, f"{label} must include a {' and '.join(missing)}", missing
    day, month, year = _number(parts["day"]), _number(parts["month"]), _number(parts["year"])
    if year is not None and not 1000 <= year <= 9999:
        return None, "Year must include 4 numbers", ["year"]
    try:
        return date(year, month, day), None, []
    except (TypeError, ValueError, OverflowError):
        return None, f"{label} must be a real date", ["day", "month", "year"]


def date_form_values(value: str | None) -> dict:
    """A stored ISO date as a date input's values."""
    if not value:
        return {}
    day = date.fromisoformat(value)
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def academic_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def terms(value: str | None, label: str = "Number of terms", *, minimum: str = "0") -> tuple[str | None, str | None]:
    """Terms of induction: a number up to 16 with at most one decimal place (as a string, exactly as typed)."""
    from decimal import Decimal, InvalidOperation

    text = clean(value, 20)
    if not text:
        return None, f"Enter the {label.lower()}"
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, f"{label} must be a number, like 5.5"
    if not number.is_finite() or number != number.quantize(Decimal("0.1")) or not Decimal(minimum) <= number <= 16:
        return None, f"{label} must be between {minimum} and 16, with up to one decimal place"
    return str(number.quantize(Decimal("0.1"))), None
