"""lead provider tokens, organisations, school contacts, participants, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ecf_shared.bus.tables import create_bus_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_bus_tables(op)
    op.create_table(
        "lead_provider_tokens",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_lead_provider_tokens_lead_provider_id", "lead_provider_tokens", ["lead_provider_id"])
    op.create_table(
        "token_audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("token_id", UUID(as_uuid=False), nullable=False),
        sa.Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("performed_by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_token_audit_token_id", "token_audit", ["token_id"])
    op.create_table(
        "organisations",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("urn", sa.String(6)),
        sa.Column("ukprn", sa.String(20)),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("establishment_type", sa.String(200)),
        sa.Column("state_funded", sa.Boolean),
        sa.Column("eligible", sa.Boolean),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_organisations_urn", "organisations", ["urn"])
    op.create_table(
        "school_contacts",
        sa.Column("school_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("induction_tutors", JSONB, nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lead_provider_id", UUID(as_uuid=False)),
        sa.Column("school_id", UUID(as_uuid=False), nullable=False),
        sa.Column("cohort", sa.Integer, nullable=False),
        sa.Column("training_status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registration", JSONB, nullable=False),
        sa.Column("registration_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", JSONB, nullable=False),
    )
    op.create_index("ix_participants_school_id", "participants", ["school_id"])
    op.create_index("participants_by_lead_provider_created", "participants", ["lead_provider_id", "created_at", "id"])
    op.create_index("participants_by_lead_provider_updated", "participants", ["lead_provider_id", "updated_at", "id"])


def downgrade():
    op.drop_table("participants")
    op.drop_table("school_contacts")
    op.drop_table("organisations")
    op.drop_table("token_audit")
    op.drop_table("lead_provider_tokens")
    op.drop_table("inbox")
    op.drop_table("outbox")
