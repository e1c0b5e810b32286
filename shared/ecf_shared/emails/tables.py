"""The email outbox each sending service keeps in its own schema (unqualified: the search path picks it).

A row is an email the service has decided to send: written in the use case's transaction (`queue_email`), sent by
the worker's `EmailSender` through GOV.UK Notify once committed."""
from sqlalchemy import CheckConstraint, Column, DateTime, Integer, MetaData, String, Table, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

STATES = ("pending", "sent", "failed")

email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("template", String(100), nullable=False),  # a logical name; settings map it to a Notify template id
    Column("recipient", String(320), nullable=False),
    Column("personalisation", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    # Personalisation keys holding secrets (an invitation's link): removed once Notify has the email.
    Column("secret_fields", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # Sent to Notify with the email; unique, so one queued twice is sent once and a lost answer can be looked up.
    Column("reference", String(1000), nullable=False, unique=True),
    Column("state", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("notify_id", UUID(as_uuid=False)),
    Column("correlation_id", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    CheckConstraint("state in ('pending', 'sent', 'failed')", name="email_outbox_state"),
)


def create_email_outbox(op) -> None:
    """Called from a sending service's Alembic migration."""
    op.create_table("email_outbox", *[c._copy() for c in email_outbox.columns],
                    *[c._copy() for c in email_outbox.constraints if isinstance(c, CheckConstraint)])
    op.create_index("email_outbox_due", "email_outbox", ["next_attempt_at"],
                    postgresql_where=email_outbox.c.state == "pending")


def drop_email_outbox(op) -> None:
    op.drop_table("email_outbox")
