"""interest_participants: beyond v3, the teachers a school chose a lead provider for before any partnership,
as participant resources (GET /api/v3/participants/ecf/expressions-of-interest)

After upgrading, `python -m lp_api rebuild-read-models` fills it from the event log.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interest_participants",
        sa.Column("lead_provider_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cohorts", ARRAY(sa.Integer), nullable=False),
        sa.Column("training_statuses", ARRAY(sa.String(20)), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("interest_participants_by_lead_provider_created", "interest_participants",
                    ["lead_provider_id", "created_at", "id"])
    op.create_index("interest_participants_by_lead_provider_updated", "interest_participants",
                    ["lead_provider_id", "updated_at", "id"])


def downgrade():
    op.drop_table("interest_participants")
