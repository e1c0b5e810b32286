"""school_ects: read copy of ECT registrations' schools, from registrations' events

Revision ID: 0003_school_ects
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003_school_ects"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "school_ects",
        sa.Column("ect_period_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("trn", sa.String(7), nullable=False, index=True),
        sa.Column("school_id", UUID(as_uuid=False), nullable=False),
        sa.Column("started_on", sa.Date),
        sa.Column("finished_on", sa.Date),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("school_ects_by_school", "school_ects", ["school_id", "trn"])


def downgrade():
    op.drop_table("school_ects")
