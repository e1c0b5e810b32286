"""server-side sessions (the browser's cookie holds only a random id; the row is keyed by its hash) with the
signed-in user's tokens encrypted beside them, and one-time form tokens

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _at(name):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("data", JSONB, nullable=False, server_default="{}"),
        sa.Column("user_id", UUID(as_uuid=False)),
        sa.Column("access_token", sa.LargeBinary),
        sa.Column("refresh_token", sa.LargeBinary),
        sa.Column("access_expires_at", sa.DateTime(timezone=True)),
        _at("created_at"), _at("last_seen_at"),
        sa.Column("idle_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("sessions_expiry", "sessions", ["idle_expires_at"])
    op.create_table(
        "form_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("result_url", sa.String(500)),
        _at("used_at"),
    )
    op.create_index("form_tokens_used", "form_tokens", ["used_at"])


def downgrade():
    op.drop_table("form_tokens")
    op.drop_table("sessions")
