"""lp-api owns its statements (migration 0007_declarations_statements)."""
from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID

from lp_api.adapters import metadata

STATUSES = ("open", "payable", "paid")  # open until its cut-off passes, then payable until DfE pays it

statements = Table(
    "statements",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("lead_provider_id", UUID(as_uuid=False), nullable=False),
    Column("cohort", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("cut_off_date", Date, nullable=False),
    Column("payment_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("payable_at", DateTime(timezone=True)),
    Column("paid_at", DateTime(timezone=True)),
    Column("paid_by", JSONB),  # the DfE finance user who marked it paid
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("lead_provider_id", "cohort", "year", "month", name="statements_one_per_month"),
    Index("statements_by_lead_provider", "lead_provider_id", "payment_date", "cohort"),
    Index("statements_due", "status", "cut_off_date"),
)
