"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import registry

from accounts.domain.model import Membership, Organisation, Session, User

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
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

mapper_registry = registry()
_mapped = False


def start_mappers() -> None:
    global _mapped
    if not _mapped:
        mapper_registry.map_imperatively(Organisation, organisations)
        mapper_registry.map_imperatively(User, users)
        mapper_registry.map_imperatively(Membership, memberships)
        mapper_registry.map_imperatively(Session, sessions)
        _mapped = True
