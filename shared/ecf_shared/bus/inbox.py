"""Idempotent consumption: the inbox row is written in the handler's own transaction."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ecf_shared.bus.tables import inbox
from ecf_shared.events.envelope import Event


def claim(session: Session, consumer: str, event: Event) -> bool:
    """True the first time this consumer sees the event; False for a duplicate delivery."""
    result = session.execute(
        insert(inbox)
        .values(consumer=consumer, event_id=event.event_id, event_type=event.type)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(inbox.c.event_id)
    )
    return result.first() is not None
