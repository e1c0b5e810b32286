"""teachers, ECT periods, training periods, organisation copies, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from ecf_shared.bus.tables import create_bus_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The tables as they shipped in this revision (spelt out so later changes to adapters.py cannot alter it).


def _uuid(name, *args, **kw):
    return sa.Column(name, UUID(as_uuid=False), *args, **kw)


def _created_at():
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    create_bus_tables(op)
    op.create_table(
        "organisations", _uuid("id", primary_key=True),
        sa.Column("type", sa.String(30), nullable=False), sa.Column("name", sa.String(300), nullable=False),
        sa.Column("urn", sa.String(6)), sa.Column("status", sa.String(30), nullable=False),
        sa.Column("state_funded", sa.Boolean), sa.Column("eligible", sa.Boolean))
    op.create_table(
        "teachers", _uuid("id", primary_key=True),
        sa.Column("trn", sa.String(7), nullable=False, unique=True),
        sa.Column("first_name", sa.String(200), nullable=False), sa.Column("last_name", sa.String(200), nullable=False),
        _created_at())
    op.create_table(
        "ect_at_school_periods", _uuid("id", primary_key=True),
        _uuid("teacher_id", sa.ForeignKey("teachers.id"), nullable=False),
        _uuid("school_id", nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("finished_on", sa.Date),
        sa.Column("email", sa.String(320), nullable=False), sa.Column("working_pattern", sa.String(20), nullable=False),
        _uuid("appropriate_body_id"),
        sa.Column("registered_by_user_id", sa.String(100), nullable=False),
        sa.Column("registered_by_email", sa.String(320)), sa.Column("registered_by_name", sa.String(300)),
        _uuid("registered_for_organisation_id", nullable=False), _created_at())
    op.create_table(
        "training_periods", _uuid("id", primary_key=True),
        _uuid("ect_period_id", sa.ForeignKey("ect_at_school_periods.id"), nullable=False, index=True),
        sa.Column("programme", sa.String(20), nullable=False),
        _uuid("lead_provider_id"), _uuid("delivery_partner_id"), _uuid("partnership_id"),
        sa.Column("expression_of_interest", sa.Boolean, nullable=False),
        sa.Column("cohort", sa.Integer, nullable=False), sa.Column("schedule", sa.String(50)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("finished_on", sa.Date), _created_at())
    # The database backs the domain rules, so concurrent requests cannot break them.
    op.execute("ALTER TABLE ect_at_school_periods ADD CONSTRAINT ect_period_dates CHECK (finished_on IS NULL OR finished_on >= started_on)")
    op.execute("ALTER TABLE ect_at_school_periods ADD CONSTRAINT ect_periods_never_overlap "
               "EXCLUDE USING gist (teacher_id WITH =, daterange(started_on, finished_on, '[]') WITH &&)")
    op.execute("CREATE UNIQUE INDEX ect_periods_one_open ON ect_at_school_periods (teacher_id) WHERE finished_on IS NULL")
    op.execute("ALTER TABLE training_periods ADD CONSTRAINT training_period_dates CHECK (finished_on IS NULL OR finished_on >= started_on)")
    op.execute("ALTER TABLE training_periods ADD CONSTRAINT training_periods_never_overlap "
               "EXCLUDE USING gist (ect_period_id WITH =, daterange(started_on, finished_on, '[]') WITH &&)")


def downgrade():
    for name in ("training_periods", "ect_at_school_periods", "teachers", "organisations", "inbox", "outbox"):
        op.drop_table(name)
