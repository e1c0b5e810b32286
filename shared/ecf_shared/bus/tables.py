"""The outbox and inbox tables each service keeps in its own schema (unqualified: the search path picks it)."""
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("exchange", String(200), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("correlation_id", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
)

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", UUID(as_uuid=False), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def create_bus_tables(op) -> None:
    """Called from each service's first Alembic migration."""
    op.create_table(
        "outbox",
        *[c._copy() for c in outbox.columns],
    )
    op.create_index("outbox_unpublished", "outbox", ["id"], postgresql_where=outbox.c.published_at.is_(None))
    op.create_table("inbox", *[c._copy() for c in inbox.columns])
