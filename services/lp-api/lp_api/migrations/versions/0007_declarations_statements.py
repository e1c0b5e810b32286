"""declarations and statements: lead providers' participant declarations and the output statements that pay them
(/api/v3/participant-declarations, /api/v3/statements); every lead provider already working in a cohort gets that
cohort's statements

Revision ID: 0007_declarations_statements
"""
import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0007_declarations_statements"
down_revision = "0006_membership_copies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statements",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
        sa.Column("cohort", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("cut_off_date", sa.Date, nullable=False),
        sa.Column("payment_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payable_at", sa.DateTime(timezone=True)),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("paid_by", JSONB),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("lead_provider_id", "cohort", "year", "month", name="statements_one_per_month"),
        sa.CheckConstraint("status in ('open', 'payable', 'paid')", name="statements_status"),
    )
    op.create_index("statements_by_lead_provider", "statements", ["lead_provider_id", "payment_date", "cohort"])
    op.create_index("statements_due", "statements", ["status", "cut_off_date"])

    op.create_table(
        "declarations",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
        sa.Column("teacher_id", UUID(as_uuid=False), nullable=False),
        sa.Column("enrolment_id", UUID(as_uuid=False), nullable=False),
        sa.Column("participant_type", sa.String(10), nullable=False),
        sa.Column("course_identifier", sa.String(20), nullable=False),
        sa.Column("declaration_type", sa.String(20), nullable=False),
        sa.Column("declaration_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_held", sa.String(60)),
        sa.Column("cohort", sa.Integer, nullable=False),
        sa.Column("schedule", sa.String(40), nullable=False),
        sa.Column("delivery_partner_id", UUID(as_uuid=False)),
        sa.Column("mentor_id", UUID(as_uuid=False)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("ineligible_reason", sa.String(40)),
        sa.Column("superseded_by_id", UUID(as_uuid=False)),
        sa.Column("statement_id", UUID(as_uuid=False), sa.ForeignKey("statements.id")),
        sa.Column("clawback_statement_id", UUID(as_uuid=False), sa.ForeignKey("statements.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.CheckConstraint("state in ('submitted', 'eligible', 'ineligible', 'payable', 'paid', 'voided', "
                           "'awaiting_clawback', 'clawed_back')", name="declarations_state"),
    )
    op.create_index("declarations_by_lead_provider_created", "declarations", ["lead_provider_id", "created_at", "id"])
    op.create_index("declarations_by_lead_provider_updated", "declarations", ["lead_provider_id", "updated_at", "id"])
    op.create_index("declarations_by_teacher", "declarations", ["teacher_id", "course_identifier", "declaration_type"])
    op.create_index("declarations_by_statement", "declarations", ["statement_id", "state"])
    op.create_index("declarations_by_clawback_statement", "declarations", ["clawback_statement_id", "state"])
    op.create_index("declarations_one_holding_each_milestone", "declarations",
                    ["teacher_id", "course_identifier", "declaration_type"], unique=True,
                    postgresql_where=sa.text("state in ('submitted', 'eligible', 'payable', 'paid')"))

    from lp_api.statements.calendar import output_statements

    bind = op.get_bind()
    pairs = bind.execute(sa.text("select distinct lead_provider_id, cohort from lead_provider_delivery_partners")).all()
    rows = [{"id": str(uuid.uuid4()), "lead_provider_id": str(lead_provider_id), "cohort": cohort, "year": p.year,
             "month": p.month, "cut_off_date": p.cut_off_date, "payment_date": p.payment_date}
            for lead_provider_id, cohort in pairs for p in output_statements(cohort)]
    if rows:
        bind.execute(sa.text(
            "insert into statements (id, lead_provider_id, cohort, year, month, cut_off_date, payment_date, status, "
            "created_at, updated_at) values (:id, :lead_provider_id, :cohort, :year, :month, :cut_off_date, "
            ":payment_date, 'open', date_trunc('milliseconds', now()), date_trunc('milliseconds', now()))"), rows)


def downgrade():
    op.drop_table("declarations")
    op.drop_table("statements")
