"""induction_statuses, and indexes for the delivery partner and lead provider pages

The pages list a delivery partner's or lead provider's participants with each ECT's induction status, which lp-api
now keeps from inductions.induction.status_changed (`induction_statuses`, newest change wins). After upgrading,
`python -m lp_api rebuild-read-models` fills it from the event log.

Revision ID: 0008_provider_pages
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_provider_pages"
down_revision = "0007_declarations_statements"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "induction_statuses",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("enrolments_by_delivery_partner", "enrolments", ["delivery_partner_id"])
    op.create_index("partnerships_by_delivery_partner", "partnerships", ["delivery_partner_id", "cohort"])


def downgrade():
    op.drop_index("partnerships_by_delivery_partner", "partnerships")
    op.drop_index("enrolments_by_delivery_partner", "enrolments")
    op.drop_table("induction_statuses")
