"""People, organisations and who may act for which organisation (free of the ORM)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

ORGANISATION_TYPES = ("school", "lead_provider", "delivery_partner", "appropriate_body", "training_provider", "dfe")
ROLES = ("approver", "end_user")
MODES = ("hat", "blended")
STAFF_ROLES = ("admin", "support", "finance", "read_only")


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
    contact_email_for_lead_providers: str | None = None  # set by the school; GIAS's contact_email otherwise
    id: str = field(default_factory=_id)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_school(self) -> bool:
        return self.type == "school"

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
    acting_for_organisation_id: str | None = None  # DfE staff acting for an organisation
    acting_for_reason: str | None = None
    acting_for_started_at: datetime | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class AuditEntry:
    """One change, with who made it copied at the time (they may later change name or leave)."""

    action: str
    subject_type: str
    subject_id: str
    actor_type: str
    actor_user_id: str | None = None
    actor_email: str | None = None
    actor_name: str | None = None
    acting_for_organisation_id: str | None = None  # the organisation the actor acted for
    staff_reason: str | None = None  # a DfE staff user's stated reason for acting for it
    organisation_id: str | None = None  # the organisation whose data changed
    before: dict | None = None
    after: dict | None = None
    correlation_id: str | None = None
    id: str = field(default_factory=_id)
    at: datetime | None = None


@dataclass
class Invitation:
    """An approver's invitation by email: single use, expiring, its token stored only as a hash."""

    organisation_id: str
    email: str
    role: str
    token_hash: str
    expires_at: datetime
    invited_by_user_id: str | None = None
    sent_count: int = 1
    accepted_at: datetime | None = None
    accepted_by_user_id: str | None = None
    cancelled_at: datetime | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.cancelled_at is not None:
            return "cancelled"
        return "pending"


@dataclass
class InductionTutor:
    """A person a school nominated as induction tutor; they need not have an account."""

    organisation_id: str
    name: str
    email: str
    nominated_by_user_id: str | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class OidcRequest:
    """A DfE Sign-in authorisation request in flight: kept server-side, keyed by its state, used once."""

    state_hash: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    expires_at: datetime
    # When a registered client (the portal) started the sign-in: where to send the user back, with its state
    # and PKCE challenge; the tokens then go to the client's back channel, never to the browser.
    client_id: str | None = None
    client_redirect_uri: str | None = None
    client_state: str | None = None
    client_code_challenge: str | None = None
    created_at: datetime | None = None


@dataclass
class SignInCode:
    """A one-time code handed to a client's redirect URI after sign-in, exchanged (once, within a minute, with
    the PKCE verifier and the client's secret) for the session's tokens. Stored only as a hash."""

    code_hash: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    session_id: str
    expires_at: datetime
    created_at: datetime | None = None
