"""ecf_shared.ordering: read copies apply only newer changes; producers stamp events with a per-entity clock."""
import threading
import time
import uuid
from datetime import datetime, timedelta, UTC
from pathlib import Path

import pytest
from marshmallow import Schema, fields
from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, select, text

from ecf_shared import contracts, ordering
from ecf_shared.bus.tables import metadata as bus_metadata
from ecf_shared.db import Database
from ecf_shared.uow import UnitOfWork

REPO = Path(__file__).resolve().parents[2]
T1 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
T2 = T1 + timedelta(seconds=1)

copies = Table("copies", MetaData(), Column("id", String(40), primary_key=True), Column("name", String(100)),
               Column("deleted", Boolean, nullable=False), Column("source_at", DateTime(timezone=True), nullable=False))


class ThingSchema(Schema):
    thing_id = fields.UUID(required=True)
    other_id = fields.UUID(allow_none=True, load_default=None)


contracts.register(contracts.Contract("bustest.thing.reordered", 1, "bustest", (), ThingSchema, "test only",
                                      ("thing_id", "other_id")))


@pytest.fixture(scope="module")
def db(make_database):
    db = Database(make_database("ordering"), "ordertest")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA ordertest"))
    bus_metadata.create_all(db.engine)
    ordering.metadata.create_all(db.engine)
    copies.metadata.create_all(db.engine)
    yield db
    db.dispose()


def _write(db, write, *args):
    with db.session_factory() as session:
        applied = write(session, copies, *args)
        session.commit()
    return applied


def _row(db, key):
    with db.engine.connect() as conn:
        row = conn.execute(select(copies.c.name, copies.c.deleted).where(copies.c.id == key)).first()
    return tuple(row) if row else None


def test_a_late_older_change_changes_nothing(db):
    key = str(uuid.uuid4())
    assert _write(db, ordering.upsert_if_newer, {"id": key}, {"name": "newer"}, T2)
    assert not _write(db, ordering.upsert_if_newer, {"id": key}, {"name": "older"}, T1)
    assert _row(db, key) == ("newer", False)


def test_a_removal_leaves_a_tombstone_a_late_created_cannot_bring_back(db):
    removed, never_seen = str(uuid.uuid4()), str(uuid.uuid4())
    _write(db, ordering.upsert_if_newer, {"id": removed}, {"name": "created"}, T1)
    assert _write(db, ordering.tombstone_if_newer, {"id": removed}, T2)
    assert _write(db, ordering.tombstone_if_newer, {"id": never_seen}, T2)  # the removal overtook the creation
    for key in (removed, never_seen):
        assert not _write(db, ordering.upsert_if_newer, {"id": key}, {"name": "created"}, T1)
        assert _row(db, key)[1] is True
    assert _write(db, ordering.upsert_if_newer, {"id": removed}, {"name": "again"}, T2 + timedelta(seconds=1))
    assert _row(db, removed) == ("again", False)


def test_stamps_of_one_entity_rise_even_when_the_clock_is_behind_its_last_event(db):
    thing = str(uuid.uuid4())
    ahead = datetime.now(UTC) + timedelta(hours=1)  # an earlier stamp from a clock that ran fast
    with db.session_factory() as session:
        session.execute(ordering.entity_clocks.insert().values(entity_id=thing, last_at=ahead))
        session.commit()
    stamps = []
    for _ in range(2):
        with db.session_factory() as session:
            stamps.append(ordering.stamp(session, [thing]))
            session.commit()
    assert ahead < stamps[0] < stamps[1]


def test_a_change_that_waited_on_one_still_open_is_stamped_after_it(db):
    """Two transactions about one entity at once: the second waits for the first's commit and is stamped after it,
    even when the first's stamp is ahead of the clock the second reads."""
    thing, stamps = str(uuid.uuid4()), {}
    with db.session_factory() as first:
        waiting = threading.Thread(target=lambda: stamps.setdefault("second", _stamp_and_commit(db, thing)))
        stamps["first"] = ordering.stamp(first, [thing]) + timedelta(seconds=2)  # as if its clock ran ahead
        first.execute(ordering.entity_clocks.update().values(last_at=stamps["first"])
                      .where(ordering.entity_clocks.c.entity_id == thing))
        waiting.start()
        time.sleep(0.3)
        assert "second" not in stamps
        first.commit()
    waiting.join(5)
    assert stamps["second"] > stamps["first"]


def _stamp_and_commit(db, entity_id):
    with db.session_factory() as session:
        at = ordering.stamp(session, [entity_id])
        session.commit()
    return at


def test_an_event_is_stamped_past_every_entity_it_names(db):
    thing, other = str(uuid.uuid4()), str(uuid.uuid4())
    with db.session_factory() as session:
        late = ordering.stamp(session, [other]) + timedelta(minutes=5)
        session.execute(ordering.entity_clocks.update().where(ordering.entity_clocks.c.entity_id == other)
                        .values(last_at=late))
        session.commit()
    with UnitOfWork(db, producer="bustest") as uow:
        first = uow.publish("bustest.thing.reordered", {"thing_id": thing})
        both = uow.publish("bustest.thing.reordered", {"thing_id": thing, "other_id": other})
        uow.commit()
    assert first.occurred_at < both.occurred_at and late < both.occurred_at


def test_a_bulk_batch_stamps_its_events_as_one_by_one_would(db):
    """UnitOfWork.in_bulk stamps the batch at once: each entity's stamps still rise in publishing order, past its
    clock, and the clock ends at the last of them, so the next event about it comes after."""
    thing, other = str(uuid.uuid4()), str(uuid.uuid4())
    ahead = datetime.now(UTC) + timedelta(hours=1)
    with db.session_factory() as session:
        session.execute(ordering.entity_clocks.insert().values(entity_id=other, last_at=ahead))
        session.commit()
    with UnitOfWork(db, producer="bustest") as uow:
        with uow.in_bulk():
            for data in ({"thing_id": thing}, {"thing_id": thing, "other_id": other}, {"thing_id": thing}):
                uow.publish("bustest.thing.reordered", data)
        first, both, last = (e.occurred_at for e in uow.events)
        uow.commit()
    with db.engine.connect() as conn:
        bodies = conn.execute(text("select body from outbox where body->'data'->>'thing_id' = :t order by id"),
                              {"t": thing}).scalars().all()
    assert [b["occurred_at"] for b in bodies] == [t.isoformat() for t in (first, both, last)]
    assert first < both < last and ahead < both
    assert _stamp_and_commit(db, thing) > last and _stamp_and_commit(db, other) > both


def test_every_consuming_service_has_an_ordering_case_for_each_event_it_consumes():
    """The cases are in each service's tests/test_ordering.py; its tests from ordering.tests fail for a missing one."""
    for service in contracts.consumers():
        if service.startswith("bustest"):
            continue
        cases = REPO / "services" / service / "tests" / "test_ordering.py"
        assert cases.exists(), f"{service} consumes events but has no {cases.relative_to(REPO)}"
        assert f'ordering.tests("{service}"' in cases.read_text(), f"{cases} does not take its tests from ordering.tests"
