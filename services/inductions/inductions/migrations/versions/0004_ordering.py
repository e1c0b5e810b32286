"""ordering: the per-entity clock this service stamps its events with, and teacher_names, registrations' names

Revision ID: 0004_ordering

`entity_clocks` (ecf_shared.ordering) makes each published event's occurred_at later than every earlier event about
the same entity. `teacher_names` keeps the names registrations last changed (ect.registered, details_changed), with
that event's occurred_at, so a late older event changes nothing and a registration handled after a later name change
opens the induction with the later names. Inductions recorded before this revision keep their names until the next
change.
"""
import sqlalchemy as sa
from alembic import op

from ecf_shared.ordering import create_entity_clocks_table

revision = "0004_ordering"
down_revision = "0003_school_ects"
branch_labels = None
depends_on = None


def upgrade():
    create_entity_clocks_table(op)
    op.create_table(
        "teacher_names",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("teacher_names")
    op.drop_table("entity_clocks")
