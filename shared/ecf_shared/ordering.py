"""Ordering without a global order: every read copy applies a change only if it is newer than the one it holds.

The ordering value is the event's `occurred_at`, made a per-entity clock at the producer. When a service publishes
an event whose contract names the entities it changes (`Contract.ordered_by`), `stamp` takes the producer
database's clock, raised past the last stamp of each of those entities, and locks their `entity_clocks` rows until
commit. So for any one entity the stamps of its events rise strictly in the order the changes committed, whichever
process or host published them (a gunicorn thread's wall clock is never trusted), and consumers only ever compare
stamps of one entity.

Consumers keep the stamp of the change each row last applied in its `source_at` column and write through
`upsert_if_newer` / `tombstone_if_newer`: one statement, `INSERT ... ON CONFLICT DO UPDATE ... WHERE
source_at <= excluded.source_at`, so a late older event changes nothing, and a removal leaves a tombstone (the row,
`deleted` true, with the removal's stamp) that a late "created" cannot bring back.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

metadata = MetaData()

# In each producer's own schema (unqualified: the search path picks it), one row per entity it has published about.
entity_clocks = Table(
    "entity_clocks", metadata,
    Column("entity_id", String(100), primary_key=True),
    Column("last_at", DateTime(timezone=True), nullable=False),
)

_TICK = timedelta(microseconds=1)  # PostgreSQL's resolution, and what the envelope's ISO time keeps


def create_entity_clocks_table(op) -> None:
    """Called from a producer's Alembic migration."""
    op.create_table("entity_clocks", *[c._copy() for c in entity_clocks.columns])


def stamp(session: Session, entity_ids: list[str]) -> datetime:
    """The occurred_at of an event changing these entities: later than every earlier event about any of them."""
    return stamp_many(session, [entity_ids])[0]


def stamp_many(session: Session, events: list[list[str]]) -> list[datetime]:
    """The occurred_at of each of several events (each given by the entities it changes), in publishing order: as
    `stamp` would give them one by one, in three statements however many there are (a bulk job's batch)."""
    ids = sorted({i for entity_ids in events for i in entity_ids})  # one lock order: two writers never deadlock
    now = session.execute(select(func.clock_timestamp())).scalar_one()
    last = dict(session.execute(_TAKE_CLOCKS, {"ids": ids, "floor": now - _TICK}).all())
    stamps = []
    for entity_ids in events:
        at = max([now, *(last[i] + _TICK for i in entity_ids)])
        last.update(dict.fromkeys(entity_ids, at))
        stamps.append(at)
    session.execute(_SET_CLOCKS, {"ids": list(last), "ats": list(last.values())})
    return stamps


# One statement text whatever the number of entities (arrays, not a VALUES row each), so a bulk job's batches of every
# size share one compiled statement. The update with its own value takes the row lock an existing clock needs.
_TAKE_CLOCKS = text("insert into entity_clocks (entity_id, last_at) select k, :floor from unnest(cast(:ids as text[])) "
                    "as k on conflict (entity_id) do update set last_at = entity_clocks.last_at "
                    "returning entity_id, last_at")
_SET_CLOCKS = text("update entity_clocks set last_at = v.at from unnest(cast(:ids as text[]), "
                   "cast(:ats as timestamptz[])) as v(id, at) where entity_clocks.entity_id = v.id")


def upsert_if_newer(session: Session, table: Table, key: dict, values: dict, at: datetime) -> bool:
    """Make the row at `key` hold `values` as of `at`, unless it already holds a change made after `at` (or a
    removal). The table has a unique key on `key`'s columns and a `source_at` column; a `deleted` column, when it has
    one, is cleared. True when the row now holds these values."""
    row = {**key, **values, "source_at": at}
    if "deleted" in table.c:
        row["deleted"] = False
    return _write_if_newer(session, table, key, row)


def tombstone_if_newer(session: Session, table: Table, key: dict, at: datetime, values: dict | None = None) -> bool:
    """Mark the row at `key` removed as of `at` (creating the tombstone if the row never arrived), unless it holds a
    later change. The table needs a `deleted` column; readers leave deleted rows out. True when it is now removed."""
    return _write_if_newer(session, table, key, {**key, **(values or {}), "deleted": True, "source_at": at})


def _write_if_newer(session: Session, table: Table, key: dict, row: dict) -> bool:
    statement = insert(table).values(**row)
    written = session.execute(statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in key],
        set_={k: statement.excluded[k] for k in row if k not in key},
        where=table.c.source_at <= statement.excluded.source_at,
    ).returning(literal_column("1"))).first()
    return written is not None

