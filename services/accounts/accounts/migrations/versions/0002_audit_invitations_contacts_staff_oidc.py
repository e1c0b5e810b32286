"""audit trail, invitations, induction tutors, staff acting for an organisation, DfE Sign-in requests

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


def _at(name="created_at"):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _when(name):
    return sa.Column(name, sa.DateTime(timezone=True))


def upgrade():
    op.add_column("organisations", sa.Column("contact_email_for_lead_providers", sa.String(320)))
    op.add_column("sessions", _uuid("acting_for_organisation_id", sa.ForeignKey("organisations.id")))
    op.add_column("sessions", sa.Column("acting_for_reason", sa.Text))
    op.add_column("sessions", _when("acting_for_started_at"))
    op.create_index("sessions_user", "sessions", ["user_id"])
    op.create_check_constraint("organisation_type", "organisations",
                               "type IN ('school', 'lead_provider', 'delivery_partner', 'appropriate_body', "
                               "'training_provider', 'dfe')")
    op.create_check_constraint("organisation_status", "organisations", "status IN ('open', 'closed', 'proposed_to_close')")
    op.create_check_constraint("membership_role", "memberships", "role IN ('approver', 'end_user')")
    op.create_check_constraint("user_staff_role", "users", "staff_role IS NULL OR staff_role IN ('admin', 'support', 'read_only')")

    op.create_table(
        "audit_entries", _uuid("id", primary_key=True), _at("at"),
        sa.Column("action", sa.String(60), nullable=False), sa.Column("subject_type", sa.String(30), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False), sa.Column("actor_type", sa.String(30), nullable=False),
        sa.Column("actor_user_id", sa.String(100)), sa.Column("actor_email", sa.String(320)),
        sa.Column("actor_name", sa.String(400)), _uuid("acting_for_organisation_id"), sa.Column("staff_reason", sa.Text),
        _uuid("organisation_id"), sa.Column("before", JSONB), sa.Column("after", JSONB),
        sa.Column("correlation_id", sa.String(100)))
    op.create_index("audit_entries_organisation", "audit_entries", ["organisation_id", "at"])
    op.create_index("audit_entries_subject", "audit_entries", ["subject_id"])

    op.create_table(
        "invitations", _uuid("id", primary_key=True),
        _uuid("organisation_id", sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("email", sa.String(320), nullable=False), sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False), _uuid("invited_by_user_id"),
        sa.Column("sent_count", sa.Integer, nullable=False), _when("accepted_at"), _uuid("accepted_by_user_id"),
        _when("cancelled_at"), _at(),
        sa.CheckConstraint("role IN ('approver', 'end_user')", name="invitation_role"),
        sa.CheckConstraint("accepted_at IS NULL OR cancelled_at IS NULL", name="invitation_accepted_or_cancelled"))
    # At most one waiting invitation per organisation and email.
    op.create_index("invitations_one_pending", "invitations", ["organisation_id", sa.text("lower(email)")], unique=True,
                    postgresql_where=sa.text("accepted_at IS NULL AND cancelled_at IS NULL"))

    op.create_table(
        "induction_tutors", _uuid("id", primary_key=True),
        _uuid("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False), sa.Column("email", sa.String(320), nullable=False),
        _uuid("nominated_by_user_id"), _at())
    op.create_index("induction_tutors_school_email", "induction_tutors", ["organisation_id", sa.text("lower(email)")],
                    unique=True)

    op.create_table(
        "oidc_requests", sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("nonce", sa.String(100), nullable=False), sa.Column("code_verifier", sa.String(200), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True), _at())


def downgrade():
    for name in ("oidc_requests", "induction_tutors", "invitations", "audit_entries"):
        op.drop_table(name)
    op.drop_constraint("user_staff_role", "users")
    op.drop_constraint("membership_role", "memberships")
    op.drop_constraint("organisation_status", "organisations")
    op.drop_constraint("organisation_type", "organisations")
    op.drop_index("sessions_user", "sessions")
    for column in ("acting_for_started_at", "acting_for_reason", "acting_for_organisation_id"):
        op.drop_column("sessions", column)
    op.drop_column("organisations", "contact_email_for_lead_providers")
