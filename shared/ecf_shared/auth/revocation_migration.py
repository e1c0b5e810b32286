"""The Alembic steps that add membership_copies to a service's schema: its migration imports them as its own
`upgrade` and `downgrade` (Alembic runs them with its `op` ready)."""
from alembic import op

from ecf_shared.auth.revocation import membership_copies


def upgrade() -> None:
    op.create_table(membership_copies.name, *[c._copy() for c in membership_copies.columns])


def downgrade() -> None:
    op.drop_table(membership_copies.name)
