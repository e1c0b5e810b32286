"""v3 write bodies: `{"data": {"type": ..., "attributes": {...}}}`, and their 400/422 answers."""
from __future__ import annotations

import uuid

from lp_api.v3_errors import V3Error

BAD_STRUCTURE = "correct json data structure required. See API docs for reference."


def attributes_of(body, expected_type: str) -> dict:
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict) or data.get("type", expected_type) != expected_type:
        raise V3Error(400, "Bad parameter", BAD_STRUCTURE)
    return attributes


def invalid(attribute: str, detail: str) -> V3Error:
    """v3 names the attribute in the title of a 422."""
    return V3Error(422, attribute, detail)


def uuid_or_none(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def cohort_or_none(value) -> int | None:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None
