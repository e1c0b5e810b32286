"""Teachers as a school sees them: ECT and mentor periods at schools, training periods and mentorships (free of the ORM)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

WORKING_PATTERNS = ("full_time", "part_time")
PROGRAMMES = ("provider_led", "school_led")


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Teacher:
    trn: str
    first_name: str
    last_name: str
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class EctPeriod:
    teacher_id: str
    school_id: str
    started_on: date
    email: str
    working_pattern: str
    registered_by_user_id: str
    registered_by_email: str | None
    registered_by_name: str | None
    registered_for_organisation_id: str
    appropriate_body_id: str | None = None
    finished_on: date | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class MentorPeriod:
    teacher_id: str
    school_id: str
    started_on: date
    email: str
    registered_by_user_id: str
    registered_by_email: str | None
    registered_by_name: str | None
    registered_for_organisation_id: str
    finished_on: date | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class TrainingPeriod:
    """Belongs to exactly one ECT period or one mentor period."""

    ect_period_id: str | None
    programme: str
    cohort: int
    started_on: date
    lead_provider_id: str | None = None
    delivery_partner_id: str | None = None
    partnership_id: str | None = None
    expression_of_interest: bool = False
    schedule: str | None = None
    status: str = "active"
    status_reason: str | None = None
    finished_on: date | None = None
    mentor_period_id: str | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None

    def train_through(self, partnership: PartnershipCopy) -> bool:
        """Provider-led training with the partnership's lead provider, for its cohort, trains through it: it takes the
        partnership and its delivery partner and is no longer an expression of interest. False when nothing changed
        (it already did, or the partnership is not for this training)."""
        if not partnership.covers(self):
            return False
        if (self.partnership_id, self.delivery_partner_id, self.expression_of_interest) == (
                partnership.partnership_id, partnership.delivery_partner_id, False):
            return False
        self.partnership_id, self.delivery_partner_id = partnership.partnership_id, partnership.delivery_partner_id
        self.expression_of_interest = False
        return True


@dataclass
class PartnershipCopy:
    """Read copy of a lead provider's partnership with a school for a cohort (lead provider + delivery partner +
    school), built from lp-api's events. (school, lead provider, cohort) names it: lp-api keeps at most one
    partnership per school and cohort, and only its delivery partner changes.

    `as_of` is when lp-api made the change the copy last took; an event about an earlier change (redelivered late,
    or retried after a later one) leaves it as it is."""

    school_id: str
    lead_provider_id: str
    cohort: int
    partnership_id: str
    delivery_partner_id: str
    as_of: datetime | None = None
    updated_at: datetime | None = None

    def covers(self, training: TrainingPeriod) -> bool:
        """Whether the training is provider-led with this lead provider for this cohort (the school is the
        caller's to match: training knows its school only through its ECT or mentor period)."""
        return (training.programme == "provider_led" and training.lead_provider_id == self.lead_provider_id
                and training.cohort == self.cohort)

    def take(self, partnership_id: str, delivery_partner_id: str, as_of: datetime) -> bool:
        """Take lp-api's change made at `as_of`, unless the copy already reflects a later one. Returns whether the copy
        changed."""
        if self.as_of is not None and as_of < self.as_of:
            return False
        changed = (self.partnership_id, self.delivery_partner_id) != (partnership_id, delivery_partner_id)
        self.partnership_id, self.delivery_partner_id, self.as_of = partnership_id, delivery_partner_id, as_of
        return changed


@dataclass
class Mentorship:
    ect_period_id: str
    mentor_period_id: str
    started_on: date
    finished_on: date | None = None
    id: str = field(default_factory=_id)
    created_at: datetime | None = None


@dataclass
class AuditEntry:
    """One change (or refused change) to a teacher's registration, with its actor copied at the time.

    `subject_id` is the ECT or mentor period changed (the teacher for teacher-wide changes); `outcome` is
    `applied` or `refused` (lead provider requests that failed a rule are kept, not applied)."""

    teacher_id: str | None
    subject_id: str
    school_id: str | None
    action: str
    actor: dict
    acting_for_reason: str | None = None
    outcome: str = "applied"
    details: dict = field(default_factory=dict)
    id: str = field(default_factory=_id)
    at: datetime | None = None


@dataclass
class SchoolCopy:
    """Read copy of an organisation, built from accounts' events."""

    id: str
    type: str
    name: str
    urn: str | None
    status: str
    state_funded: bool | None = None
    eligible: bool | None = None
    establishment_type: str | None = None
