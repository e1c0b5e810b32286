"""The correlation id travels from an HTTP request into events and on into consumers."""
from __future__ import annotations

import contextvars
import uuid

import structlog

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)

HEADER = "X-Correlation-Id"


def current() -> str:
    value = _correlation_id.get()
    if value is None:
        value = new()
        bind(value)
    return value


def new() -> str:
    return str(uuid.uuid4())


def bind(value: str | None) -> str:
    value = (value or "").strip()[:200] or new()
    _correlation_id.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


def clear() -> None:
    _correlation_id.set(None)
    structlog.contextvars.clear_contextvars()
