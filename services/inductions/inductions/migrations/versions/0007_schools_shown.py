"""schools shown to appropriate bodies: accounts' organisations and the appropriate body each school reports

Revision ID: 0007_schools_shown

An appropriate body's page for a teacher names, for context, the school that registered them and the appropriate
body that school reports. `organisations` copies accounts' organisation events; `reported_appropriate_bodies` keeps
each ECT registration's reported appropriate body from registrations' events. Both keep the occurred_at of the event
they last took (ecf_shared.ordering). Registrations made before this revision show their school once accounts next
publishes it and their reported appropriate body once registrations next changes it.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0007_schools_shown"
down_revision = "0006_membership_copies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisations",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("urn", sa.String(6)),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reported_appropriate_bodies",
        sa.Column("ect_period_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("appropriate_body_id", UUID(as_uuid=False)),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("reported_appropriate_bodies")
    op.drop_table("organisations")
