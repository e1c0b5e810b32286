"""The portal's own tables: server-side sessions and one-time form tokens (it stores nothing else)."""
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

sessions = Table(
    "sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("data", JSONB, nullable=False),
    Column("user_id", UUID(as_uuid=False)),
    Column("access_token", LargeBinary),
    Column("refresh_token", LargeBinary),
    Column("access_expires_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("idle_expires_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

form_tokens = Table(
    "form_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("session_hash", String(64), nullable=False),
    Column("result_url", String(500)),
    Column("used_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
