"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import registry

from ecf_shared.mapping import Mappers

from accounts.domain.model import AuditEntry, InductionTutor, Invitation, Membership, OidcRequest, Organisation, Session, SignInCode, User

metadata = MetaData()

organisations = Table(
    "organisations", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("type", String(30), nullable=False),
    Column("name", String(300), nullable=False),
    Column("urn", String(6), unique=True),
    Column("ukprn", String(20)),
    Column("dsi_organisation_id", String(100), unique=True),
    Column("status", String(30), nullable=False),
    Column("contact_email", String(320)),
    Column("establishment_type", String(200)),
    Column("state_funded", Boolean),
    Column("eligible", Boolean),
    Column("contact_email_for_lead_providers", String(320)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()),
)

users = Table(
    "users", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("dsi_subject", String(200), unique=True),
    Column("email", String(320), nullable=False),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("staff_role", String(20)),
    Column("default_mode", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

memberships = Table(
    "memberships", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.id"), nullable=False),
    Column("organisation_id", UUID(as_uuid=False), ForeignKey("organisations.id"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

sessions = Table(
    "sessions", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("acting_organisation_id", UUID(as_uuid=False)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("acting_for_organisation_id", UUID(as_uuid=False), ForeignKey("organisations.id")),
    Column("acting_for_reason", Text),
    Column("acting_for_started_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

audit_entries = Table(
    "audit_entries", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("action", String(60), nullable=False),
    Column("subject_type", String(30), nullable=False),
    Column("subject_id", String(100), nullable=False),
    Column("actor_type", String(30), nullable=False),
    Column("actor_user_id", String(100)),
    Column("actor_email", String(320)),
    Column("actor_name", String(400)),
    Column("acting_for_organisation_id", UUID(as_uuid=False)),
    Column("staff_reason", Text),
    Column("organisation_id", UUID(as_uuid=False)),
    Column("before", JSONB),
    Column("after", JSONB),
    Column("correlation_id", String(100)),
)

invitations = Table(
    "invitations", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("organisation_id", UUID(as_uuid=False), ForeignKey("organisations.id"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("role", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("invited_by_user_id", UUID(as_uuid=False)),
    Column("sent_count", Integer, nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("accepted_by_user_id", UUID(as_uuid=False)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

induction_tutors = Table(
    "induction_tutors", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("organisation_id", UUID(as_uuid=False), ForeignKey("organisations.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(320), nullable=False),
    Column("nominated_by_user_id", UUID(as_uuid=False)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

oidc_requests = Table(
    "oidc_requests", metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("nonce", String(100), nullable=False),
    Column("code_verifier", String(200), nullable=False),
    Column("redirect_uri", String(500), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("client_id", String(100)),
    Column("client_redirect_uri", String(500)),
    Column("client_state", String(200)),
    Column("client_code_challenge", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

sign_in_codes = Table(
    "sign_in_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(100), nullable=False),
    Column("redirect_uri", String(500), nullable=False),
    Column("code_challenge", String(200), nullable=False),
    Column("session_id", UUID(as_uuid=False), ForeignKey("sessions.id"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def _map(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(Organisation, organisations)
    mapper_registry.map_imperatively(User, users)
    mapper_registry.map_imperatively(Membership, memberships)
    mapper_registry.map_imperatively(Session, sessions)
    mapper_registry.map_imperatively(AuditEntry, audit_entries)
    mapper_registry.map_imperatively(Invitation, invitations)
    mapper_registry.map_imperatively(InductionTutor, induction_tutors)
    mapper_registry.map_imperatively(OidcRequest, oidc_requests)
    mapper_registry.map_imperatively(SignInCode, sign_in_codes)


start_mappers = Mappers(_map).start
