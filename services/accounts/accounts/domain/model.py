"""People, organisations and who may act for which organisation (free of the ORM)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

ORGANISATION_TYPES = ("school", "lead_provider", "delivery_partner", "appropriate_body", "training_provider", "dfe")
ROLES = ("approver", "end_user")
MODES = ("hat", "blended")
STAFF_ROLES = ("admin", "support", "read_only")


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Organisation:
    type: str
    name: str
    urn: str | None = None
    ukprn: str | None = None
    dsi_organisation_id: str | None = None
    status: str = "open"
    contact_email: str | None = None
    establishment_type: str | None = None
    state_funded: bool | None = None
    eligible: bool | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def event_data(self) -> dict:
        return {"organisation_id": self.id, "type": self.type, "name": self.name, "urn": self.urn,
                "ukprn": self.ukprn, "dsi_organisation_id": self.dsi_organisation_id, "status": self.status,
                "contact_email": self.contact_email, "establishment_type": self.establishment_type,
                "state_funded": self.state_funded, "eligible": self.eligible}


@dataclass
class User:
    email: str
    first_name: str
    last_name: str
    dsi_subject: str | None = None
    staff_role: str | None = None
    default_mode: str = "hat"
    active: bool = True
    id: str = field(default_factory=_id)
    created_at: datetime | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Membership:
    user_id: str
    organisation_id: str
    role: str
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class Session:
    """A signed-in session: holds the refresh token's hash and the way of working chosen in it."""

    user_id: str
    token_hash: str
    expires_at: datetime
    mode: str
    acting_organisation_id: str | None = None
    revoked_at: datetime | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None
