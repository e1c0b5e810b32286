"""lp-api's tables. Read models are written with SQL (upserts), so nothing is mapped onto the ORM."""
from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

lead_provider_tokens = Table(
    "lead_provider_tokens",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

token_audit = Table(
    "token_audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("token_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
    Column("action", String(20), nullable=False),  # created | revoked
    Column("performed_by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6), index=True),
    Column("ukprn", String(20)),
    Column("status", String(30), nullable=False),
    Column("contact_email", String(320)),
    Column("establishment_type", String(200)),
    Column("state_funded", Boolean),
    Column("eligible", Boolean),
    Column("source_at", DateTime(timezone=True), nullable=False),  # occurred_at of the event last applied
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

school_contacts = Table(
    "school_contacts",
    metadata,
    Column("school_id", UUID(as_uuid=False), primary_key=True),
    Column("contact_email", String(320)),
    Column("induction_tutors", JSONB, nullable=False),
    Column("user_emails", JSONB, nullable=False, server_default="[]"),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

# Every event lp-api consumed or published that its read models depend on: the source of a rebuild
# (the inbox keeps only ids).
event_log = Table(
    "event_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("type", String(200), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", JSONB, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

teachers = Table(
    "teachers",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, index=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("email", String(320)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

# One row per enrolment: a teacher's training as an ECT or a mentor with one lead provider. `id` is v3's
# training_record_id and stays while the training continues with that provider; training_period_id
# follows registrations' current training period.
enrolments = Table(
    "enrolments",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("training_period_id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("teacher_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("participant_type", String(10), nullable=False),
    Column("period_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("school_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("school_urn", String(6)),
    Column("lead_provider_id", UUID(as_uuid=False), index=True),  # null unless provider-led
    Column("delivery_partner_id", UUID(as_uuid=False)),
    Index("enrolments_by_delivery_partner", "delivery_partner_id"),
    Column("cohort", Integer, nullable=False),
    Column("schedule", String(40)),
    Column("training_status", String(20), nullable=False),
    Column("withdrawal", JSONB),
    Column("deferral", JSONB),
    Column("participant_status", String(20), nullable=False),
    Column("email", String(320), nullable=False),
    Column("registered_by", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

mentorships = Table(
    "mentorships",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("ect_period_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("mentor_teacher_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("ended", Boolean, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),  # when lp-api last changed it
)

induction_ends = Table(
    "induction_ends",
    metadata,
    Column("trn", String(7), primary_key=True),
    Column("end_date", Date),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

# Each ECT's induction status as inductions last announced it (the delivery partner and lead provider pages show it).
induction_statuses = Table(
    "induction_statuses",
    metadata,
    Column("trn", String(7), primary_key=True),
    Column("status", String(30), nullable=False),
    Column("source_at", DateTime(timezone=True), nullable=False),
)

transfers = Table(
    "transfers",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("teacher_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("training_record_id", UUID(as_uuid=False), nullable=False),
    Column("from_lead_provider_id", UUID(as_uuid=False)),
    Column("to_lead_provider_id", UUID(as_uuid=False)),
    Column("from_school_id", UUID(as_uuid=False), nullable=False),
    Column("to_school_id", UUID(as_uuid=False), nullable=False),
    Column("to_school_urn", String(6)),
    Column("moved_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Expressions of interest: a school chose this lead provider for a teacher's training in this cohort before
# any partnership. Kept (interested = false) once it ends, so the school's updated_at moves then too.
school_interests = Table(
    "school_interests",
    metadata,
    Column("school_id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), primary_key=True),
    Column("cohort", Integer, primary_key=True),
    Column("interested", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("school_interests_by_cohort", "cohort", "school_id"),
)

def _participant_documents(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("lead_provider_id", UUID(as_uuid=False), primary_key=True),
        Column("id", UUID(as_uuid=False), primary_key=True),  # the teacher id
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("cohorts", ARRAY(Integer), nullable=False),
        Column("training_statuses", ARRAY(String(20)), nullable=False),
        Column("document", Text, nullable=False),
        Index(f"{name}_by_lead_provider_created", "lead_provider_id", "created_at", "id"),
        Index(f"{name}_by_lead_provider_updated", "lead_provider_id", "updated_at", "id"),
    )


# The served participant resources: one per (lead provider, teacher), the v3 JSON kept as text so pages
# are joined without re-encoding.
participants = _participant_documents("participants")
# Beyond v3: teachers whose school chose this lead provider before any partnership (expressions of interest),
# as participant resources (no delivery partner yet), kept like `participants`.
interest_participants = _participant_documents("interest_participants")

# Owned by lp-api: which delivery partners a lead provider works with, per cohort.
lead_provider_delivery_partners = Table(
    "lead_provider_delivery_partners",
    metadata,
    Column("lead_provider_id", UUID(as_uuid=False), primary_key=True),
    Column("delivery_partner_id", UUID(as_uuid=False), primary_key=True),
    Column("cohort", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Owned by lp-api. One partnership per school and cohort, whichever provider recruited it.
partnerships = Table(
    "partnerships",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
    Column("delivery_partner_id", UUID(as_uuid=False), nullable=False),
    Column("school_id", UUID(as_uuid=False), nullable=False),
    Column("cohort", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("document", Text, nullable=False),
    UniqueConstraint("school_id", "cohort", name="partnerships_one_per_school_and_cohort"),
    Index("partnerships_by_lead_provider_created", "lead_provider_id", "created_at", "id"),
    Index("partnerships_by_delivery_partner", "delivery_partner_id", "cohort"),
)

# Writes made through the API, with the lead provider (and token) that made them.
api_audit = Table(
    "api_audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("token_id", UUID(as_uuid=False)),
    Column("performed_by", String(200)),
    Column("action", String(60), nullable=False),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("details", JSONB, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Fixed-window request counters per token (unlogged: losing them in a crash only resets the window).
rate_limit_windows = Table(
    "rate_limit_windows",
    metadata,
    Column("token_id", UUID(as_uuid=False), primary_key=True),
    Column("window_start", DateTime(timezone=True), primary_key=True),
    Column("count", Integer, nullable=False),
)

# The last key of page N of a (token, query), so page N+1 of a full sync seeks instead of offsetting.
page_cursors = Table(
    "page_cursors",
    metadata,
    Column("token_id", UUID(as_uuid=False), primary_key=True),
    Column("query_key", String(64), primary_key=True),
    Column("page", BigInteger, primary_key=True),
    Column("sort_value", DateTime(timezone=True), nullable=False),
    Column("last_id", UUID(as_uuid=False), nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
