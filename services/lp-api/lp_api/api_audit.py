"""Every write a lead provider makes through the API (or staff make for one), with who made it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ecf_shared.events.envelope import Actor
from lp_api.adapters import api_audit


@dataclass(frozen=True)
class Caller:
    lead_provider_id: str
    token_id: str | None = None
    performed_by: str | None = None  # an operator, for CLI writes

    @property
    def actor(self) -> Actor:
        if self.token_id is None:
            return Actor(type="staff", name=self.performed_by, organisation_id=self.lead_provider_id)
        return Actor(type="lead_provider", user_id=self.token_id, organisation_id=self.lead_provider_id)


def audit(session: Session, caller: Caller, action: str, subject_type: str, subject_id: str, details: dict) -> None:
    session.execute(api_audit.insert().values(
        lead_provider_id=caller.lead_provider_id, token_id=caller.token_id, performed_by=caller.performed_by,
        action=action, subject_type=subject_type, subject_id=subject_id, details=details))
