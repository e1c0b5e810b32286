"""finance staff role: DfE finance staff (manage_finance) may be users' staff_role

Revision ID: 0006
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ROLES = "('admin', 'support', 'finance', 'read_only')"
BEFORE = "('admin', 'support', 'read_only')"


def upgrade():
    op.drop_constraint("user_staff_role", "users")
    op.create_check_constraint("user_staff_role", "users", f"staff_role IS NULL OR staff_role IN {ROLES}")


def downgrade():
    op.execute("UPDATE users SET staff_role = 'read_only' WHERE staff_role = 'finance'")
    op.drop_constraint("user_staff_role", "users")
    op.create_check_constraint("user_staff_role", "users", f"staff_role IS NULL OR staff_role IN {BEFORE}")
