"""manual_handling: DfE staff close an item with a note, saying how it was settled, and who and when

Revision ID: 0009_manual_handling_closing
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_manual_handling_closing"
down_revision = "0008_in_flight_uploads"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("manual_handling", sa.Column("resolution", sa.Text()))
    op.add_column("manual_handling", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.add_column("manual_handling", sa.Column("resolved_by", sa.JSON()))
    op.create_index("manual_handling_state_created", "manual_handling", ["state", "created_at"])


def downgrade():
    op.drop_index("manual_handling_state_created", "manual_handling")
    for column in ("resolved_by", "resolved_at", "resolution"):
        op.drop_column("manual_handling", column)
