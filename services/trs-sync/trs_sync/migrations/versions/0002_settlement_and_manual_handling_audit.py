"""settled changes (not only delivered ones), manual-handling resolution and its audit

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("deliveries", sa.Column("outcome", sa.String(20), nullable=False, server_default="delivered"))
    op.add_column("deliveries", sa.Column("start_date", sa.Date))
    op.add_column("deliveries", sa.Column("completed_date", sa.Date))
    op.add_column("manual_handling", sa.Column("actor_type", sa.String(30)))
    op.add_column("manual_handling", sa.Column("old_status", sa.String(30)))
    op.add_column("manual_handling", sa.Column("resolution", sa.Text))
    op.add_column("manual_handling", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_index("manual_handling_state", "manual_handling", ["state", "id"])
    op.create_table(
        "manual_handling_audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.BigInteger, sa.ForeignKey("manual_handling.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor_user_id", sa.String(100), nullable=False),
        sa.Column("actor_email", sa.String(320)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("manual_handling_audit_item", "manual_handling_audit", ["item_id", "id"])


def downgrade():
    op.drop_table("manual_handling_audit")
    op.drop_index("manual_handling_state", "manual_handling")
    for name in ("resolved_at", "resolution", "old_status", "actor_type"):
        op.drop_column("manual_handling", name)
    for name in ("completed_date", "start_date", "outcome"):
        op.drop_column("deliveries", name)
