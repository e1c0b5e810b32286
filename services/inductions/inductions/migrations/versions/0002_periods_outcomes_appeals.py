"""induction periods, extensions, appeals, exemptions, audit and manual handling

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id():
    return sa.Column("id", UUID(as_uuid=False), primary_key=True)


def _induction_fk(**kw):
    return sa.Column("induction_id", UUID(as_uuid=False), sa.ForeignKey("inductions.id"), nullable=False, **kw)


def upgrade():
    op.add_column("inductions", sa.Column("qts_awarded_on", sa.Date))
    op.create_table(
        "induction_periods", _id(), _induction_fk(index=True),
        sa.Column("appropriate_body_id", UUID(as_uuid=False), nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("finished_on", sa.Date),
        sa.Column("number_of_terms", sa.Numeric(3, 1)),
        sa.Column("training_programme", sa.String(20)),
        sa.Column("outcome", sa.String(10)),
        sa.Column("appeal_notice_on", sa.Date),
        sa.CheckConstraint("finished_on is null or finished_on >= started_on", name="period_ends_after_start"),
        sa.CheckConstraint("(finished_on is null) = (number_of_terms is null)", name="terms_when_finished"),
        sa.CheckConstraint("outcome is null or finished_on is not null", name="outcome_only_when_finished"),
    )
    # The database backs the domain's rules where two requests could race past them.
    op.create_index("one_open_period_per_induction", "induction_periods", ["induction_id"], unique=True,
                    postgresql_where=sa.text("finished_on is null"))
    op.create_index("one_outcome_per_induction", "induction_periods", ["induction_id"], unique=True,
                    postgresql_where=sa.text("outcome is not null"))
    op.create_table(
        "extensions", _id(), _induction_fk(index=True),
        sa.Column("terms", sa.Numeric(3, 1), nullable=False),
        sa.Column("appropriate_body_id", UUID(as_uuid=False)),
    )
    op.create_table(
        "appeals", _id(), _induction_fk(index=True),
        sa.Column("period_id", UUID(as_uuid=False), sa.ForeignKey("induction_periods.id"), nullable=False),
        sa.Column("lodged_on", sa.Date, nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("decided_on", sa.Date),
    )
    op.create_table(
        "exemptions", _id(), _induction_fk(unique=True),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("exempted_on", sa.Date, nullable=False),
    )
    op.create_table(
        "audit_entries", _id(),
        sa.Column("trn", sa.String(7), nullable=False, index=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("actor", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("support_ticket", sa.String(100)),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "manual_handling", _id(),
        sa.Column("trn", sa.String(7), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("action", sa.String(50)),
        sa.Column("reason_code", sa.String(50), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("actor", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    for table in ("manual_handling", "audit_entries", "exemptions", "appeals", "extensions", "induction_periods"):
        op.drop_table(table)
    op.drop_column("inductions", "qts_awarded_on")
