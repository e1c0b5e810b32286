"""mentor periods, mentorships, mentor training, training status reasons, the audit trail, AB kinds

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _uuid(name, *args, **kw):
    return sa.Column(name, UUID(as_uuid=False), *args, **kw)


def _created_at(name="created_at"):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade():
    op.add_column("organisations", sa.Column("establishment_type", sa.String(100)))
    op.create_table(
        "mentor_at_school_periods", _uuid("id", primary_key=True),
        _uuid("teacher_id", sa.ForeignKey("teachers.id"), nullable=False, index=True),
        _uuid("school_id", nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("finished_on", sa.Date),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("registered_by_user_id", sa.String(100), nullable=False),
        sa.Column("registered_by_email", sa.String(320)), sa.Column("registered_by_name", sa.String(300)),
        _uuid("registered_for_organisation_id", nullable=False), _created_at(),
        sa.CheckConstraint("finished_on IS NULL OR finished_on >= started_on", name="mentor_period_dates"))
    # A teacher may mentor at several schools at once, but never in overlapping periods at one school.
    op.execute("ALTER TABLE mentor_at_school_periods ADD CONSTRAINT mentor_periods_never_overlap_at_a_school "
               "EXCLUDE USING gist (teacher_id WITH =, school_id WITH =, daterange(started_on, finished_on, '[]') WITH &&)")

    op.alter_column("training_periods", "ect_period_id", nullable=True)
    op.add_column("training_periods", _uuid("mentor_period_id", sa.ForeignKey("mentor_at_school_periods.id"), index=True))
    op.add_column("training_periods", sa.Column("status_reason", sa.String(200)))
    op.create_check_constraint("training_period_belongs_to_one_period", "training_periods",
                               "(ect_period_id IS NULL) <> (mentor_period_id IS NULL)")
    op.create_check_constraint("mentor_training_is_provider_led", "training_periods",
                               "mentor_period_id IS NULL OR programme = 'provider_led'")
    op.execute("ALTER TABLE training_periods ADD CONSTRAINT mentor_training_periods_never_overlap "
               "EXCLUDE USING gist (mentor_period_id WITH =, daterange(started_on, finished_on, '[]') WITH &&)")

    op.create_table(
        "mentorships", _uuid("id", primary_key=True),
        _uuid("ect_period_id", sa.ForeignKey("ect_at_school_periods.id"), nullable=False, index=True),
        _uuid("mentor_period_id", sa.ForeignKey("mentor_at_school_periods.id"), nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("finished_on", sa.Date), _created_at(),
        sa.CheckConstraint("finished_on IS NULL OR finished_on >= started_on", name="mentorship_dates"))
    op.execute("ALTER TABLE mentorships ADD CONSTRAINT a_mentees_mentorships_never_overlap "
               "EXCLUDE USING gist (ect_period_id WITH =, daterange(started_on, finished_on, '[]') WITH &&)")

    op.create_table(
        "audit_entries", _uuid("id", primary_key=True),
        _uuid("teacher_id", index=True), _uuid("subject_id", nullable=False, index=True), _uuid("school_id", index=True),
        sa.Column("action", sa.String(50), nullable=False), sa.Column("actor", JSONB, nullable=False),
        sa.Column("acting_for_reason", sa.Text), sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("details", JSONB, nullable=False), _created_at("at"))


def downgrade():
    op.drop_table("audit_entries")
    op.drop_table("mentorships")
    op.execute("DELETE FROM training_periods WHERE mentor_period_id IS NOT NULL")
    op.drop_constraint("mentor_training_periods_never_overlap", "training_periods")
    op.drop_constraint("mentor_training_is_provider_led", "training_periods")
    op.drop_constraint("training_period_belongs_to_one_period", "training_periods")
    op.drop_column("training_periods", "status_reason")
    op.drop_column("training_periods", "mentor_period_id")
    op.alter_column("training_periods", "ect_period_id", nullable=False)
    op.drop_table("mentor_at_school_periods")
    op.drop_column("organisations", "establishment_type")
