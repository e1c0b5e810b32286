"""TRS's rate limit and the circuit breaker, shared by every trs-sync process: requests counted per window, the
pause a 429 asks for, and the breaker's state

Revision ID: 0005_shared_trs_limits
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_shared_trs_limits"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trs_rate_windows",
        sa.Column("window_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
    )
    op.create_table(
        "trs_rate_pause",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "trs_circuit",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
        sa.Column("probe_started_at", sa.DateTime(timezone=True)),
    )
    op.execute("insert into trs_circuit (id, state, failures) values (1, 'closed', 0)")


def downgrade():
    for table in ("trs_circuit", "trs_rate_pause", "trs_rate_windows"):
        op.drop_table(table)
