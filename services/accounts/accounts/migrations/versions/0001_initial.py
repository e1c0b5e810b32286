"""organisations, users, memberships, sessions, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

from accounts.adapters import memberships, organisations, sessions, users
from ecf_shared.bus.tables import create_bus_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_bus_tables(op)
    for table in (organisations, users, memberships, sessions):
        op.create_table(table.name, *[c._copy() for c in table.columns])
    op.create_index("users_active_email", "users", [sa.text("lower(email)")], unique=True,
                    postgresql_where=sa.text("active"))
    op.create_unique_constraint("memberships_user_organisation", "memberships", ["user_id", "organisation_id"])
    op.create_index("memberships_organisation", "memberships", ["organisation_id"])


def downgrade():
    for name in ("sessions", "memberships", "users", "organisations", "inbox", "outbox"):
        op.drop_table(name)
