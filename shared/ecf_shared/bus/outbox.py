"""Writing events to the transactional outbox."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ecf_shared.bus.tables import outbox
from ecf_shared.contracts import exchange_for
from ecf_shared.events.envelope import Event


def _row(event: Event) -> dict:
    return {"event_id": event.event_id, "event_type": event.type, "exchange": exchange_for(event.producer),
            "body": event.to_message(), "correlation_id": event.correlation_id}


def add(session: Session, event: Event) -> None:
    session.execute(insert(outbox).values(**_row(event)))


def add_all(session: Session, events: list[Event]) -> None:
    """Many events in one statement (a bulk job's batch), in order."""
    if events:
        session.execute(insert(outbox), [_row(e) for e in events])
