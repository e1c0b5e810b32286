"""in_flight_uploads: the writing phase's progress

Revision ID: 0010_in_flight_writing_phase

The import checks every teacher (the rules and TRS) before it writes any: `teachers_to_write` (known once checking
ends) and `teachers_written` follow the writing phase (phase `writing`).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_in_flight_writing_phase"
down_revision = "0009_manual_handling_closing"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("in_flight_uploads", sa.Column("teachers_to_write", sa.Integer))
    op.add_column("in_flight_uploads", sa.Column("teachers_written", sa.Integer, nullable=False, server_default="0"))


def downgrade():
    op.drop_column("in_flight_uploads", "teachers_written")
    op.drop_column("in_flight_uploads", "teachers_to_write")
