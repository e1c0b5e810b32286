"""lp-api's tables. Read models are written with SQL (upserts), so nothing is mapped onto the ORM."""
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text,
                        func)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

lead_provider_tokens = Table(
    "lead_provider_tokens",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

token_audit = Table(
    "token_audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("token_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
    Column("action", String(20), nullable=False),  # created | revoked
    Column("performed_by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6), index=True),
    Column("ukprn", String(20)),
    Column("status", String(30), nullable=False),
    Column("contact_email", String(320)),
    Column("establishment_type", String(200)),
    Column("state_funded", Boolean),
    Column("eligible", Boolean),
    Column("source_at", DateTime(timezone=True), nullable=False),  # occurred_at of the event last applied
)

school_contacts = Table(
    "school_contacts",
    metadata,
    Column("school_id", UUID(as_uuid=False), primary_key=True),
    Column("contact_email", String(320)),
    Column("induction_tutors", JSONB, nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

participants = Table(
    "participants",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),  # the teacher id
    Column("lead_provider_id", UUID(as_uuid=False)),  # null unless provider-led
    Column("school_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("cohort", Integer, nullable=False),
    Column("training_status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("registration", JSONB, nullable=False),  # the source, kept to recompute the document
    Column("registration_at", DateTime(timezone=True), nullable=False),
    Column("document", JSONB, nullable=False),  # the v3 resource, served as is
    Index("participants_by_lead_provider_created", "lead_provider_id", "created_at", "id"),
    Index("participants_by_lead_provider_updated", "lead_provider_id", "updated_at", "id"),
)
