"""The event catalogue: every event type, its producer, its consumers and its one payload schema.

Producers validate with the schema before writing to the outbox; consumers validate on receipt.
The broker topology and docs/architecture.md's catalogue are both derived from this table.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from marshmallow import Schema


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    producer: str
    consumers: tuple[str, ...]
    schema: type[Schema]
    description: str
    # The data fields (entity ids) naming what the event changes: its occurred_at is then a per-entity clock that
    # read copies order by (ecf_shared.ordering).
    ordered_by: tuple[str, ...] = ()

    @cached_property
    def validator(self) -> Schema:
        """One instance of the payload schema, made on first use: building one per event was a third of a bulk
        job's time (marshmallow deep-copies every declared field per instance). Load and dump keep no state."""
        return self.schema()


class UnknownEventType(LookupError):
    pass


_CATALOGUE: dict[str, Contract] = {}


def register(*contracts: Contract) -> None:
    for c in contracts:
        if not c.type.startswith(c.producer + "."):
            raise ValueError(f"{c.type} must start with its producer {c.producer}")
        _CATALOGUE[c.type] = c


def catalogue() -> dict[str, Contract]:
    _load()
    return dict(_CATALOGUE)


def contract_for(event_type: str) -> Contract:
    _load()
    try:
        return _CATALOGUE[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def consumed_by(service: str) -> list[Contract]:
    return [c for c in catalogue().values() if service in c.consumers]


def exchange_for(producer: str) -> str:
    """nameko's convention: one topic exchange per publishing service, routing key = event type."""
    return f"{producer}.events"


def producers() -> list[str]:
    return sorted({c.producer for c in catalogue().values()})


def consumers() -> list[str]:
    return sorted({s for c in catalogue().values() for s in c.consumers})


_loaded = False
_loading = threading.Lock()


def _load() -> None:
    """Import the catalogue once. gunicorn's threads may all ask at once on a worker's first requests:
    nobody may see a half-filled catalogue."""
    global _loaded
    if _loaded:
        return
    with _loading:
        if not _loaded:
            from ecf_shared.contracts import accounts, inductions, lp_api, registrations, trs_sync  # noqa: F401

            _loaded = True
