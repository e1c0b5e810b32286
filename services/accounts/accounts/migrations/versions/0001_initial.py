"""organisations, users, memberships, sessions, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from ecf_shared.bus.tables import create_bus_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The tables as they were at this revision (later revisions change them; this one never does).


def _uuid(name, *args, **kw):
    return sa.Column(name, UUID(as_uuid=False), *args, **kw)


def _created_at():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    create_bus_tables(op)
    op.create_table(
        "organisations", _uuid("id", primary_key=True),
        sa.Column("type", sa.String(30), nullable=False), sa.Column("name", sa.String(300), nullable=False),
        sa.Column("urn", sa.String(6), unique=True), sa.Column("ukprn", sa.String(20)),
        sa.Column("dsi_organisation_id", sa.String(100), unique=True), sa.Column("status", sa.String(30), nullable=False),
        sa.Column("contact_email", sa.String(320)), sa.Column("establishment_type", sa.String(200)),
        sa.Column("state_funded", sa.Boolean), sa.Column("eligible", sa.Boolean), _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
    op.create_table(
        "users", _uuid("id", primary_key=True),
        sa.Column("dsi_subject", sa.String(200), unique=True), sa.Column("email", sa.String(320), nullable=False),
        sa.Column("first_name", sa.String(200), nullable=False), sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("staff_role", sa.String(20)), sa.Column("default_mode", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False), _created_at())
    op.create_table(
        "memberships", _uuid("id", primary_key=True),
        _uuid("user_id", sa.ForeignKey("users.id"), nullable=False),
        _uuid("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False), _created_at())
    op.create_table(
        "sessions", _uuid("id", primary_key=True),
        _uuid("user_id", sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False), _uuid("acting_organisation_id"),
        sa.Column("revoked_at", sa.DateTime(timezone=True)), _created_at())
    op.create_index("users_active_email", "users", [sa.text("lower(email)")], unique=True,
                    postgresql_where=sa.text("active"))
    op.create_unique_constraint("memberships_user_organisation", "memberships", ["user_id", "organisation_id"])
    op.create_index("memberships_organisation", "memberships", ["organisation_id"])


def downgrade():
    for name in ("sessions", "memberships", "users", "organisations", "inbox", "outbox"):
        op.drop_table(name)
