"""a read copy of lp-api's partnerships, so training registered after a school's partnership trains through it

Revision ID: 0004

One row per (school, lead provider, cohort) with the partnership and its delivery partner, kept from
lp-api.partnership.created / updated; `as_of` is when lp-api made the change the row last took (events about earlier
changes are ignored). The copy is seeded from the training already linked to partnerships (an open training period's
delivery partner first, then the latest); a partnership no training was linked to before this revision is learnt
when lp-api next publishes an event about it.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _uuid(name, *args, **kw):
    return sa.Column(name, UUID(as_uuid=False), *args, **kw)


SEED_FROM_LINKED_TRAINING = """
INSERT INTO partnerships (school_id, lead_provider_id, cohort, partnership_id, delivery_partner_id)
SELECT DISTINCT ON (p.school_id, t.lead_provider_id, t.cohort)
       p.school_id, t.lead_provider_id, t.cohort, t.partnership_id, t.delivery_partner_id
  FROM training_periods t
  JOIN (SELECT id, school_id FROM ect_at_school_periods
        UNION ALL SELECT id, school_id FROM mentor_at_school_periods) p
    ON p.id = coalesce(t.ect_period_id, t.mentor_period_id)
 WHERE t.programme = 'provider_led' AND t.lead_provider_id IS NOT NULL AND t.partnership_id IS NOT NULL
   AND t.delivery_partner_id IS NOT NULL
 ORDER BY p.school_id, t.lead_provider_id, t.cohort, (t.finished_on IS NULL) DESC, t.started_on DESC,
          t.created_at DESC
"""


def upgrade():
    op.create_table(
        "partnerships",
        _uuid("school_id", primary_key=True), _uuid("lead_provider_id", primary_key=True),
        sa.Column("cohort", sa.Integer, primary_key=True),
        _uuid("partnership_id", nullable=False), _uuid("delivery_partner_id", nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
    op.execute(SEED_FROM_LINKED_TRAINING)


def downgrade():
    op.drop_table("partnerships")
