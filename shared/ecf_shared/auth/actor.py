"""Who is calling: built from a verified access token's claims."""
from __future__ import annotations

from dataclasses import dataclass, field

from ecf_shared.events.envelope import Actor as EventActor

ORGANISATION_ACTOR_TYPES = {
    "school": "school_user",
    "appropriate_body": "appropriate_body_user",
    "lead_provider": "lead_provider_user",
    "delivery_partner": "delivery_partner_user",
    "training_provider": "provider_user",
    "dfe": "staff",
}


@dataclass(frozen=True)
class Membership:
    organisation_id: str
    organisation_type: str
    role: str  # approver | end_user


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str | None = None
    name: str | None = None
    staff_role: str | None = None  # admin | support | finance | read_only
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    mode: str = "hat"  # hat | blended
    acting_organisation_id: str | None = None
    acting_for_reason: str | None = None  # staff acting for an organisation
    session_id: str | None = None
    token: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.staff_role is not None

    def membership(self, organisation_id: str) -> Membership | None:
        for m in self.memberships:
            if m.organisation_id == organisation_id:
                return m
        return None

    def event_actor(self, organisation_id: str | None = None) -> EventActor:
        organisation_id = organisation_id or self.acting_organisation_id
        if self.is_staff:
            actor_type = "staff"
        else:
            m = self.membership(organisation_id) if organisation_id else None
            actor_type = ORGANISATION_ACTOR_TYPES.get(m.organisation_type if m else "", "provider_user")
        return EventActor(type=actor_type, user_id=self.user_id, email=self.email, name=self.name,
                          organisation_id=organisation_id)

    @classmethod
    def from_claims(cls, claims: dict, token: str | None = None) -> Principal:
        acting_for = claims.get("acting_for") or {}
        return cls(
            user_id=str(claims["sub"]),
            email=claims.get("email"),
            name=claims.get("name"),
            staff_role=claims.get("staff_role"),
            memberships=tuple(
                Membership(str(m["organisation_id"]), m["organisation_type"], m["role"])
                for m in claims.get("memberships", [])
            ),
            mode=claims.get("mode", "hat"),
            acting_organisation_id=acting_for.get("organisation_id") or claims.get("acting_organisation_id"),
            acting_for_reason=acting_for.get("reason"),
            session_id=claims.get("sid"),
            token=token,
        )
