"""Unit of work: one transaction that rolls back unless told to commit; events go to the outbox in it."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.orm import Session

from ecf_shared import ordering
from ecf_shared.bus import outbox
from ecf_shared.contracts import contract_for
from ecf_shared.db import Database
from ecf_shared.events.envelope import Actor, Event, new_event


class UnitOfWork:
    def __init__(self, db: Database, producer: str):
        self.db = db
        self.producer = producer
        self.session: Session | None = None
        self.events: list[Event] = []
        self._held: list[Event] | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self.db.session_factory()
        self.events = []
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.close()  # rolls back whatever was not committed; loaded objects stay readable

    def publish(self, event_type: str, data: dict, actor: Actor | dict | None = None) -> Event:
        """Validate against the event's contract and write it to the outbox in this transaction."""
        ordered_by = contract_for(event_type).ordered_by
        entities = [str(data[f]) for f in ordered_by if data.get(f) is not None]
        if self._held is not None:  # stamped with the rest of the batch on the way out of in_bulk
            event = new_event(event_type, data, producer=self.producer, actor=actor)
            self._held.append((event, entities))
            return event
        occurred_at = ordering.stamp(self.session, entities) if entities else None
        event = new_event(event_type, data, producer=self.producer, actor=actor, occurred_at=occurred_at)
        outbox.add(self.session, event)
        self.events.append(event)
        return event

    @contextmanager
    def in_bulk(self):
        """For a bulk job: events published inside are stamped (ecf_shared.ordering) and written to the outbox on
        the way out, a few statements for the whole batch, and the session does not flush before each of them (a
        few round trips per batch, not per event). Inside, `publish` returns the event before its stamp;
        `self.events` has them stamped once the block ends."""
        self._held = []
        try:
            with self.session.no_autoflush:
                yield self
            self.session.flush()
            ordered = [entities for _, entities in self._held if entities]
            stamps = iter(ordering.stamp_many(self.session, ordered) if ordered else [])
            events = [replace(e, occurred_at=next(stamps)) if entities else e for e, entities in self._held]
            outbox.add_all(self.session, events)
            self.events.extend(events)
        finally:
            self._held = None

    def commit(self) -> None:
        if self.events:
            # NOTIFY is transactional: the relay wakes only once the events are really there.
            self.session.execute(text("select pg_notify(:channel, '')"), {"channel": self.db.notify_channel})
        self.session.commit()
        self.events = []

    def rollback(self) -> None:
        self.session.rollback()
        self.events = []
