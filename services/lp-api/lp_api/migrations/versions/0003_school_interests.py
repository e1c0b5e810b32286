"""school_interests: which lead providers a school has expressed interest in, per cohort

A school that chooses a lead provider for a teacher before they are partnered gives that provider an
expression of interest. The schools endpoint shows it (beyond v3); a row is kept after the interest ends
(interested = false) so the school's updated_at moves then too. `python -m lp_api rebuild-read-models`
fills it from the event log.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "school_interests",
        sa.Column("school_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lead_provider_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("cohort", sa.Integer, primary_key=True),
        sa.Column("interested", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("school_interests_by_cohort", "school_interests", ["cohort", "school_id"])
    # Interests that exist now, from the enrolments already projected.
    op.execute("""
        insert into school_interests (school_id, lead_provider_id, cohort, interested, updated_at)
        select distinct school_id, lead_provider_id, cohort, true, now() from enrolments
        where lead_provider_id is not null and delivery_partner_id is null
          and participant_status = 'active' and training_status <> 'withdrawn'
    """)


def downgrade():
    op.drop_table("school_interests")
