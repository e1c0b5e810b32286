"""in_flight_imports: what the go-live import of in-flight inductions last wrote for each teacher

Revision ID: 0005_in_flight_imports
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_in_flight_imports"
down_revision = "0004_ordering"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "in_flight_imports",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("in_flight_imports")
