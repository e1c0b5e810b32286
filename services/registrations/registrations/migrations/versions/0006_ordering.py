"""ordering: the per-entity clock this service stamps its events with, and the organisations copy's `source_at`

Revision ID: 0006

`entity_clocks` (ecf_shared.ordering) makes each published event's occurred_at later than every earlier event about
the same entity. `organisations.source_at` is the occurred_at of the accounts event the copy last took, so a late
older one changes nothing; rows copied before this revision start at the epoch (any event is newer).
"""
import sqlalchemy as sa
from alembic import op

from ecf_shared.ordering import create_entity_clocks_table

revision = "0006"
down_revision = "0005_email_outbox"
branch_labels = None
depends_on = None


def upgrade():
    create_entity_clocks_table(op)
    op.add_column("organisations", sa.Column("source_at", sa.DateTime(timezone=True), nullable=False,
                                             server_default=sa.text("'1970-01-01T00:00:00Z'")))
    op.alter_column("organisations", "source_at", server_default=None)


def downgrade():
    op.drop_column("organisations", "source_at")
    op.drop_table("entity_clocks")
