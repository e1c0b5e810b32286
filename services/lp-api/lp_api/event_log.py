"""The event log: every event lp-api's read models were built from, payload included, written in the same
transaction that applied it. Rebuilding the read models replays it in order."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ecf_shared.events.envelope import Event, jsonable
from lp_api.adapters import event_log


def log_event(session: Session, event: Event) -> None:
    session.execute(insert(event_log).values(
        event_id=event.event_id, type=event.type, occurred_at=event.occurred_at, actor=event.actor.to_dict(),
        data=jsonable(event.data)).on_conflict_do_nothing())
