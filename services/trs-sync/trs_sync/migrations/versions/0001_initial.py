"""sync log, manual-handling queue, last deliveries, outbox and inbox

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
        "sync_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("trn", sa.String(7), nullable=False),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("request_body", JSONB),
        sa.Column("response_status", sa.Integer),
        sa.Column("error_code", sa.String(50)),
        sa.Column("detail", sa.Text),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("sync_log_trn", "sync_log", ["trn", "id"])
    op.create_table(
        "manual_handling",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("trn", sa.String(7), nullable=False),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("start_date", sa.Date),
        sa.Column("completed_date", sa.Date),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error_code", sa.String(50)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("manual_handling_trn", "manual_handling", ["trn", "id"])
    op.create_table(
        "deliveries",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("deliveries")
    op.drop_table("manual_handling")
    op.drop_table("sync_log")
    op.drop_table("inbox")
    op.drop_table("outbox")
