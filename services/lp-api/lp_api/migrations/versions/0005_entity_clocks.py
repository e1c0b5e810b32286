"""entity_clocks: the per-entity clock this service stamps its events' occurred_at with (ecf_shared.ordering)

Revision ID: 0005
"""
from alembic import op

from ecf_shared.ordering import create_entity_clocks_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    create_entity_clocks_table(op)


def downgrade():
    op.drop_table("entity_clocks")
