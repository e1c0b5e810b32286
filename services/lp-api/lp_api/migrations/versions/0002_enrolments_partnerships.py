"""event log, enrolments and per-provider participant documents, partnerships, delivery partner
relationships, API audit, rate limit windows, page cursors

The participants read model changes shape (one document per lead provider and teacher, built from
enrolments). The old rows' sources are copied into the event log first, so after upgrading
`python -m lp_api rebuild-read-models` rebuilds everything from it.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _uuid(name, **kw):
    return sa.Column(name, UUID(as_uuid=False), **kw)


def _at(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade():
    op.create_table(
        "event_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _uuid("event_id", nullable=False, unique=True),
        sa.Column("type", sa.String(200), nullable=False),
        _at("occurred_at", nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        sa.Column("data", JSONB, nullable=False),
        _at("recorded_at", nullable=False, server_default=sa.func.now()),
    )
    system = "'{\"type\": \"system\", \"name\": \"migration 0002\"}'::jsonb"
    op.execute(f"""
        insert into event_log (event_id, type, occurred_at, actor, data)
        select gen_random_uuid(), type, occurred_at, {system}, data from (
            select 'accounts.organisation.updated' as type, source_at as occurred_at,
                   jsonb_build_object('organisation_id', id, 'type', type, 'name', name, 'urn', urn, 'ukprn', ukprn,
                                      'status', status, 'contact_email', contact_email,
                                      'establishment_type', establishment_type, 'state_funded', state_funded,
                                      'eligible', eligible) as data, 0 as rank
            from organisations
            union all
            select 'accounts.school_contacts.changed', source_at,
                   jsonb_build_object('organisation_id', school_id, 'contact_email', contact_email,
                                      'induction_tutors', induction_tutors, 'user_emails', '[]'::jsonb), 1
            from school_contacts
            union all
            select 'registrations.ect.registered', registration_at, registration, 2 from participants
        ) sources order by rank, occurred_at""")

    op.add_column("organisations", _at("created_at", nullable=False, server_default=sa.func.now()))
    op.add_column("organisations", _at("updated_at", nullable=False, server_default=sa.func.now()))
    op.add_column("school_contacts", sa.Column("user_emails", JSONB, nullable=False, server_default="[]"))

    op.drop_table("participants")
    op.create_table(
        "participants",
        _uuid("lead_provider_id", primary_key=True),
        _uuid("id", primary_key=True),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.Column("cohorts", ARRAY(sa.Integer), nullable=False),
        sa.Column("training_statuses", ARRAY(sa.String(20)), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_index("participants_by_lead_provider_created", "participants", ["lead_provider_id", "created_at", "id"])
    op.create_index("participants_by_lead_provider_updated", "participants", ["lead_provider_id", "updated_at", "id"])

    op.create_table(
        "teachers",
        _uuid("id", primary_key=True),
        sa.Column("trn", sa.String(7), nullable=False, index=True),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _at("source_at", nullable=False),
    )
    op.create_table(
        "enrolments",
        _uuid("id", primary_key=True),
        _uuid("training_period_id", nullable=False, unique=True),
        _uuid("teacher_id", nullable=False, index=True),
        sa.Column("participant_type", sa.String(10), nullable=False),
        _uuid("period_id", nullable=False, index=True),
        _uuid("school_id", nullable=False, index=True),
        sa.Column("school_urn", sa.String(6)),
        _uuid("lead_provider_id", index=True),
        _uuid("delivery_partner_id"),
        sa.Column("cohort", sa.Integer, nullable=False),
        sa.Column("schedule", sa.String(40)),
        sa.Column("training_status", sa.String(20), nullable=False),
        sa.Column("withdrawal", JSONB),
        sa.Column("deferral", JSONB),
        sa.Column("participant_status", sa.String(20), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("registered_by", JSONB, nullable=False),
        _at("created_at", nullable=False),
        _at("source_at", nullable=False),
    )
    op.create_table(
        "mentorships",
        _uuid("id", primary_key=True),
        _uuid("ect_period_id", nullable=False, index=True),
        _uuid("mentor_teacher_id", nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended", sa.Boolean, nullable=False),
        _at("recorded_at", nullable=False),
    )
    op.create_table(
        "induction_ends",
        sa.Column("trn", sa.String(7), primary_key=True),
        sa.Column("end_date", sa.Date),
        _at("source_at", nullable=False),
    )
    op.create_table(
        "transfers",
        _uuid("id", primary_key=True),
        _uuid("teacher_id", nullable=False, index=True),
        _uuid("training_record_id", nullable=False),
        _uuid("from_lead_provider_id"),
        _uuid("to_lead_provider_id"),
        _uuid("from_school_id", nullable=False),
        _uuid("to_school_id", nullable=False),
        sa.Column("to_school_urn", sa.String(6)),
        sa.Column("moved_on", sa.Date, nullable=False),
        _at("created_at", nullable=False),
    )
    op.create_table(
        "lead_provider_delivery_partners",
        _uuid("lead_provider_id", primary_key=True),
        _uuid("delivery_partner_id", primary_key=True),
        sa.Column("cohort", sa.Integer, primary_key=True),
        _at("created_at", nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "partnerships",
        _uuid("id", primary_key=True),
        _uuid("lead_provider_id", nullable=False),
        _uuid("delivery_partner_id", nullable=False),
        _uuid("school_id", nullable=False),
        sa.Column("cohort", sa.Integer, nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("school_id", "cohort", name="partnerships_one_per_school_and_cohort"),
    )
    op.create_index("partnerships_by_lead_provider_created", "partnerships", ["lead_provider_id", "created_at", "id"])
    op.create_table(
        "api_audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _uuid("lead_provider_id", nullable=False, index=True),
        _uuid("token_id"),
        sa.Column("performed_by", sa.String(200)),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject_type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("details", JSONB, nullable=False),
        _at("at", nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "rate_limit_windows",
        _uuid("token_id", primary_key=True),
        _at("window_start", primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "page_cursors",
        _uuid("token_id", primary_key=True),
        sa.Column("query_key", sa.String(64), primary_key=True),
        sa.Column("page", sa.BigInteger, primary_key=True),
        _at("sort_value", nullable=False),
        _uuid("last_id", nullable=False),
        _at("saved_at", nullable=False, server_default=sa.func.now()),
        prefixes=["UNLOGGED"],
    )


def downgrade():
    for table in ("page_cursors", "rate_limit_windows", "api_audit", "partnerships", "lead_provider_delivery_partners",
                  "transfers", "induction_ends", "mentorships", "enrolments", "teachers", "participants", "event_log"):
        op.drop_table(table)
    op.drop_column("school_contacts", "user_emails")
    op.drop_column("organisations", "updated_at")
    op.drop_column("organisations", "created_at")
    op.create_table(
        "participants",
        _uuid("id", primary_key=True),
        _uuid("lead_provider_id"),
        _uuid("school_id", nullable=False, index=True),
        sa.Column("cohort", sa.Integer, nullable=False),
        sa.Column("training_status", sa.String(20), nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.Column("registration", JSONB, nullable=False),
        _at("registration_at", nullable=False),
        sa.Column("document", JSONB, nullable=False),
    )
