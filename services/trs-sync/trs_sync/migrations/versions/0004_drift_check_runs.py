"""drift check runs: when each periodic read of TRS ran and what it found, so a worker restart does not
start another one before the interval since the last is up

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drift_check_runs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", JSONB, nullable=False),
    )
    op.create_index("drift_check_runs_finished", "drift_check_runs", ["finished_at"])


def downgrade():
    op.drop_table("drift_check_runs")
