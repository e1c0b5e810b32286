"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import (BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        func)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session, registry

from ecf_shared.db import lock_until_commit
from ecf_shared.mapping import Mappers

from trs_sync.domain.drift import WatchedTeacher
from trs_sync.domain.model import Delivery, ManualHandlingAudit, ManualHandlingItem, SyncLogEntry

metadata = MetaData()

sync_log = Table(
    "sync_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("trn", String(7), nullable=False),
    Column("event_id", UUID(as_uuid=False), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("request_body", JSONB),
    Column("response_status", Integer),
    Column("error_code", String(50)),
    Column("detail", Text),
    Column("duration_ms", Integer),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

manual_handling = Table(
    "manual_handling",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("trn", String(7), nullable=False),
    Column("event_id", UUID(as_uuid=False), nullable=False),
    Column("status", String(30), nullable=False),
    Column("start_date", Date),
    Column("completed_date", Date),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("error_code", String(50)),
    Column("detail", Text, nullable=False),
    Column("state", String(20), nullable=False, server_default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor_type", String(30)),
    Column("old_status", String(30)),
    Column("resolution", Text),
    Column("resolved_at", DateTime(timezone=True)),
    Column("kind", String(20), nullable=False, server_default="delivery"),
    Column("appeal_lodged_on", Date),
)

manual_handling_audit = Table(
    "manual_handling_audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("item_id", BigInteger, ForeignKey("manual_handling.id"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor_user_id", String(100), nullable=False),
    Column("actor_email", String(320)),
    Column("detail", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("trn", String(7), primary_key=True),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("event_id", UUID(as_uuid=False), nullable=False),
    Column("status", String(30), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False, server_default="delivered"),
    Column("start_date", Date),
    Column("completed_date", Date),
)

watched_teachers = Table(
    "watched_teachers",
    metadata,
    Column("trn", String(7), primary_key=True),
    Column("date_of_birth", Date),
    Column("cpd_status", String(30)),
    Column("cpd_start_date", Date),
    Column("cpd_completed_date", Date),
    Column("cpd_changed_at", DateTime(timezone=True)),
    Column("watch_until", Date),
    Column("reported_status", String(30)),
    Column("reported_start_date", Date),
    Column("reported_completed_date", Date),
    Column("reported_at", DateTime(timezone=True)),
    Column("checked_at", DateTime(timezone=True)),
)

# Each periodic drift check that ran: the next is due an interval after the last one finished.
drift_check_runs = Table(
    "drift_check_runs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("summary", JSONB, nullable=False),
    Index("drift_check_runs_finished", "finished_at"),
)


def _map(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(SyncLogEntry, sync_log)
    mapper_registry.map_imperatively(ManualHandlingItem, manual_handling)
    mapper_registry.map_imperatively(Delivery, deliveries)
    mapper_registry.map_imperatively(ManualHandlingAudit, manual_handling_audit)
    mapper_registry.map_imperatively(WatchedTeacher, watched_teachers)


start_mappers = Mappers(_map).start


def lock_teacher(session: Session, trn: str) -> None:
    """Serialise deliveries for one teacher across workers until this transaction ends."""
    lock_until_commit(session, f"trs-sync:{trn}")
