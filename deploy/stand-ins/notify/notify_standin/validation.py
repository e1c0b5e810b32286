"""Request validation worded as Notify words it: JSON Schema (draft 7) with Notify's formats, each error turned
into `"<field> <message>"` with the quotes taken out ("email_address Not a valid email address",
"template_id is not a valid UUID", "email_address is a required property")."""

from __future__ import annotations

import re
import uuid

from jsonschema import Draft7Validator, FormatChecker

from .errors import ValidationError

STATUSES = ("cancelled", "created", "sending", "sent", "delivered", "pending", "failed", "technical-failure",
            "temporary-failure", "permanent-failure", "pending-virus-check", "validation-failed", "virus-scan-failed",
            "returned-letter", "accepted", "received")

_UUID = {"type": "string", "format": "validate_uuid", "validationMessage": "is not a valid UUID"}

POST_EMAIL = {
    "type": "object",
    "properties": {
        "email_address": {"type": "string", "format": "email_address"},
        "template_id": _UUID,
        "personalisation": {"type": "object"},
        "reference": {"type": "string", "maxLength": 1000},
        "email_reply_to_id": _UUID,
        "scheduled_for": {"type": ["string", "null"]},
        "one_click_unsubscribe_url": {"type": "string", "format": "uri", "pattern": "^https.*",
                                      "validationMessage": "is not a valid https url"},
        "sanitise_content_for": {"type": ["array", "null"]},
    },
    "required": ["email_address", "template_id"],
    "additionalProperties": False,
}

NOTIFICATION_BY_ID = {"type": "object", "properties": {"notification_id": _UUID}, "required": ["notification_id"]}

LIST_NOTIFICATIONS = {
    "type": "object",
    "properties": {
        "reference": {"type": "string"},
        "status": {"type": "array", "items": {"enum": list(STATUSES)}},
        "template_type": {"type": "array", "items": {"enum": ["sms", "email", "letter"]}},
        "include_jobs": {"enum": ["true", "True"]},
        "older_than": _UUID,
    },
    "additionalProperties": False,
}


class InvalidEmailAddress(ValueError):
    def __str__(self) -> str:
        return "Not a valid email address"


_formats = FormatChecker()


@_formats.checks("validate_uuid", raises=ValueError)
def _is_uuid(instance) -> bool:
    if isinstance(instance, str):
        uuid.UUID(instance)
    return True


@_formats.checks("email_address", raises=InvalidEmailAddress)
def _is_email_address(instance) -> bool:
    if isinstance(instance, str) and not is_email_address(instance):
        raise InvalidEmailAddress()
    return True


def validate(document, schema: dict) -> dict:
    """The document, or ValidationError with every distinct message."""
    messages: list[str] = []
    for error in Draft7Validator(schema, format_checker=_formats).iter_errors(document):
        field = str(error.path[0]) if error.path else ""
        if "validationMessage" in error.schema:
            text = error.schema["validationMessage"]
        else:
            text = (str(error.cause) if error.cause else error.message).replace("'", "")
        message = f"{field} {text}".strip()
        if message not in messages:
            messages.append(message)
    if messages:
        raise ValidationError(*messages)
    return document


# An address SES accepts, as Notify decides it: a plain local part, a hostname of at least two labels (letters,
# digits, single or punycode double hyphens) and a real-looking top-level domain.
_LOCAL_PART = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+$")
_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
_TOP_LEVEL = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)


def is_email_address(address: str) -> bool:
    address = address.strip()
    if len(address) > 320 or ".." in address or address.count("@") != 1:
        return False
    local, host = address.split("@")
    if not _LOCAL_PART.match(local) or len(host) < 2 or host.startswith(".") or any(c.isspace() for c in host):
        return False
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2:
        return False
    if any(not label or len(label) > 63 or not _LABEL.match(label) for label in labels):
        return False
    return bool(_TOP_LEVEL.match(labels[-1]))
