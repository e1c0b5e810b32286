"""Who is signed in and which organisations they work for, as accounts answered (cached in the session; renewed
whenever the tokens change). Hat mode shows one organisation at a time; blended mode all of them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

TYPE_SECTIONS = {
    "school": "Schools",
    "appropriate_body": "Appropriate bodies",
    "lead_provider": "Lead providers",
    "delivery_partner": "Delivery partners",
    "training_provider": "Training providers",
    "dfe": "DfE",
}
TYPE_NAMES = {"school": "School", "appropriate_body": "Appropriate body", "lead_provider": "Lead provider",
              "delivery_partner": "Delivery partner", "training_provider": "Training provider", "dfe": "DfE"}
ROLE_NAMES = {"approver": "Approver", "end_user": "User"}


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    type: str
    role: str
    urn: str | None = None

    @property
    def id(self) -> str:
        return self.organisation_id


@dataclass(frozen=True)
class WorkingContext:
    user_id: str
    email: str
    name: str | None
    mode: str  # hat | blended
    acting_organisation_id: str | None
    staff_role: str | None = None
    organisations: tuple[Organisation, ...] = field(default_factory=tuple)
    acting_for_reason: str | None = None  # DfE staff acting for an organisation (then it is their one organisation)

    @classmethod
    def from_dict(cls, data: dict) -> WorkingContext:
        return cls(**{**data, "organisations": tuple(Organisation(**o) for o in data.get("organisations", ()))})

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def is_staff(self) -> bool:
        return self.staff_role is not None

    @property
    def staff_acting(self) -> Organisation | None:
        """The organisation a DfE staff user acts for, with a reason (every page says so, and how to stop)."""
        return self.acting if self.is_staff else None

    @property
    def acting(self) -> Organisation | None:
        return self.organisation(self.acting_organisation_id)

    def organisation(self, organisation_id: str | None) -> Organisation | None:
        return next((o for o in self.organisations if o.id == organisation_id), None)

    @property
    def needs_choice(self) -> bool:
        """Hat mode with several organisations and none chosen yet: the chooser comes first."""
        return self.mode == "hat" and not self.is_staff and self.acting is None and len(self.organisations) > 1

    def in_view(self, organisation_type: str) -> list[Organisation]:
        """The organisations of a type whose records the pages show: the acting one (hat) or all (blended)."""
        if self.mode == "hat":
            acting = self.acting
            return [acting] if acting is not None and acting.type == organisation_type else []
        return [o for o in self.organisations if o.type == organisation_type]

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(type, heading) of each kind of organisation in view, in a fixed order."""
        present = {o.type for o in (self.organisations if self.mode == "blended" else [self.acting] if self.acting else [])}
        return [(t, label) for t, label in TYPE_SECTIONS.items() if t in present]
