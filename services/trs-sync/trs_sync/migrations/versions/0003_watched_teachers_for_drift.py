"""watched teachers for drift detection; drift items and appeal dates in the manual-handling queue

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "watched_teachers",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("date_of_birth", sa.Date),
        sa.Column("cpd_status", sa.String(30)),
        sa.Column("cpd_start_date", sa.Date),
        sa.Column("cpd_completed_date", sa.Date),
        sa.Column("cpd_changed_at", sa.DateTime(timezone=True)),
        sa.Column("watch_until", sa.Date),
        sa.Column("reported_status", sa.String(30)),
        sa.Column("reported_start_date", sa.Date),
        sa.Column("reported_completed_date", sa.Date),
        sa.Column("reported_at", sa.DateTime(timezone=True)),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("watched_teachers_open", "watched_teachers", ["trn"],
                    postgresql_where=sa.text("cpd_status is not null and date_of_birth is not null"))
    # Teachers CPD already sent to TRS are watched from now on, once a lookup brings their date of birth.
    op.execute("""
        insert into watched_teachers (trn, cpd_status, cpd_start_date, cpd_completed_date, cpd_changed_at, watch_until)
        select trn, status, start_date, completed_date, changed_at,
               case when status in ('RequiredToComplete', 'InProgress') then date '9999-12-31'
                    when status in ('Passed', 'Failed') then coalesce(completed_date, changed_at::date) + 30 end
        from deliveries where outcome = 'delivered'
    """)
    op.add_column("manual_handling", sa.Column("kind", sa.String(20), nullable=False, server_default="delivery"))
    op.add_column("manual_handling", sa.Column("appeal_lodged_on", sa.Date))


def downgrade():
    op.drop_column("manual_handling", "appeal_lodged_on")
    op.drop_column("manual_handling", "kind")
    op.drop_table("watched_teachers")
