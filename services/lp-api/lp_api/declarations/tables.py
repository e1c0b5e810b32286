"""lp-api owns its participant declarations (migration 0007_declarations_statements). `document` is the v3 resource as served, rewritten
with every change, so lists join stored text as participants' do."""
from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, text
from sqlalchemy.dialects.postgresql import UUID

from lp_api.adapters import metadata

declarations = Table(
    "declarations",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
    Column("teacher_id", UUID(as_uuid=False), nullable=False),  # v3's participant_id
    Column("enrolment_id", UUID(as_uuid=False), nullable=False),  # v3's training_record_id when declared
    Column("participant_type", String(10), nullable=False),
    Column("course_identifier", String(20), nullable=False),
    Column("declaration_type", String(20), nullable=False),
    Column("declaration_date", DateTime(timezone=True), nullable=False),
    Column("evidence_held", String(60)),
    Column("cohort", Integer, nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("delivery_partner_id", UUID(as_uuid=False)),
    Column("mentor_id", UUID(as_uuid=False)),
    Column("state", String(20), nullable=False),
    Column("ineligible_reason", String(40)),
    Column("superseded_by_id", UUID(as_uuid=False)),  # an ineligible duplicate: the declaration it duplicates
    Column("statement_id", UUID(as_uuid=False)),  # the statement paying it
    Column("clawback_statement_id", UUID(as_uuid=False)),  # the statement clawing it back
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("document", Text, nullable=False),
    Index("declarations_by_lead_provider_created", "lead_provider_id", "created_at", "id"),
    Index("declarations_by_lead_provider_updated", "lead_provider_id", "updated_at", "id"),
    Index("declarations_by_teacher", "teacher_id", "course_identifier", "declaration_type"),
    Index("declarations_by_statement", "statement_id", "state"),
    Index("declarations_by_clawback_statement", "clawback_statement_id", "state"),
    # A participant's milestone is paid once: one declaration per participant, course and type may hold it.
    Index("declarations_one_holding_each_milestone", "teacher_id", "course_identifier", "declaration_type",
          unique=True, postgresql_where=text("state in ('submitted', 'eligible', 'payable', 'paid')")),
)
