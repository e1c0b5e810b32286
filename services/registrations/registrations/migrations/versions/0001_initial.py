"""teachers, ECT periods, training periods, organisation copies, outbox and inbox

Revision ID: 0001
"""
from alembic import op

from ecf_shared.bus.tables import create_bus_tables
from registrations.adapters import ect_periods, organisations, teachers, training_periods

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_bus_tables(op)
    for table in (organisations, teachers, ect_periods, training_periods):
        op.create_table(table.name, *[c._copy() for c in table.columns])
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
