"""How v3 writes date-times: UTC, milliseconds, `Z` (as in the v3 document's examples)."""
from __future__ import annotations

from datetime import datetime, UTC


def v3_datetime(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def to_milliseconds(value: datetime) -> datetime:
    """What v3 shows, so a client's updated_since taken from a resource matches its stored row."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)
