"""What a declaration must satisfy, in v3's words (the existing service's messages, config/locales/en.yml of
DFE-Digital/early-careers-framework; docs/reference/declarations.md lists them with their order).

Pure: the caller looks up the participant and its enrolment and passes the facts in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, UTC
from zoneinfo import ZoneInfo

from lp_api.declarations.milestones import DECLARATION_TYPES, milestone_for

LONDON = ZoneInfo("Europe/London")
COURSES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
COURSE_OF = {v: k for k, v in COURSES.items()}
FIRST_MENTOR_FUNDING_COHORT = 2025  # mentors then train for a year: started and completed only
FIRST_DETAILED_EVIDENCE_COHORT = 2025

# States. A declaration "holds the slot" for its participant, course and type while it may still be paid.
STATES = ("submitted", "eligible", "ineligible", "payable", "paid", "voided", "awaiting_clawback", "clawed_back")
HOLDS_SLOT = ("submitted", "eligible", "payable", "paid")
VOIDABLE = ("submitted", "eligible", "payable", "ineligible")
INELIGIBLE_DUPLICATE = "duplicate_declaration"

PARTICIPANT_MISSING = "The property '#/participant_id' must be present"
PARTICIPANT_UNKNOWN = ("Your update cannot be made as the '#/participant_id' is not recognised. Check participant "
                       "details and try again.")
COURSE_UNKNOWN = ("The entered '#/course_identifier' is not recognised for the given participant. Check details and "
                  "try again.")
DATE_MISSING = "Enter a '#/declaration_date'."
DATE_INVALID = "Enter a valid RCF3339 '#/declaration_date'."  # sic: v3's wording
DATE_FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
TYPE_MISSING = "Enter a '#/declaration_type'."
TYPE_NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
MENTOR_ONLY_STARTED_OR_COMPLETED = (
    "You cannot send retained or extended declarations for participants who began their mentor training after June "
    "2025. Resubmit this declaration with either a started or completed declaration.")
BEFORE_MILESTONE = "Enter a '#/declaration_date' that's on or after the milestone start."
AFTER_MILESTONE = "Enter a '#/declaration_date' that's before the milestone end date."
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
EVIDENCE_INVALID = "Enter an available '#/evidence_held' type for this participant's event and course."
WITHDRAWN = ("This participant withdrew from this course on {date}. Enter a '#/declaration_date' that's on or before "
             "the withdrawal date.")
ALREADY_DECLARED = "A declaration has already been submitted that will be, or has been, paid for this event"
NO_OPEN_STATEMENT = ("You cannot submit or void declarations for the {cohort} cohort. The funding contract for this "
                     "cohort has ended. Get in touch if you need to discuss this with us")
INVALID_ACTION = "Invalid action"  # the title of a refused void
ALREADY_VOIDED = "This declaration has already been voided."
NOT_VOIDABLE = "This declaration has been clawed-back, so you can only view it."

ENGAGEMENT = ("training-event-attended", "self-study-material-completed", "materials-engaged-with-offline", "other")
THRESHOLD = ("75-percent-engagement-met", "75-percent-engagement-met-reduced-induction")
EVIDENCE_BEFORE_2025 = ("training-event-attended", "self-study-material-completed", "other")
EVIDENCE_FROM_2025 = {
    "ect": {**{t: ENGAGEMENT for t in ("started", "retained-1", "retained-3", "retained-4", "extended-1",
                                        "extended-2", "extended-3")},
            "retained-2": THRESHOLD, "completed": THRESHOLD + ("one-term-induction",)},
    "mentor": {"started": ENGAGEMENT, "completed": THRESHOLD},
}

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Enrolment:
    """The participant's training with the calling lead provider for the course declared."""
    participant_type: str
    cohort: int
    schedule: str
    training_status: str
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class Declared:
    """A request that passed every rule, as it will be stored."""
    declaration_type: str
    declaration_date: datetime  # UTC
    evidence_held: str | None


@dataclass
class Refusals:
    """v3 answers every refusal at once: one error per attribute (its name the title), messages joined."""
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, attribute: str, message: str) -> None:
        if (attribute, message) not in self.items:
            self.items.append((attribute, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def errors(self) -> list[dict]:
        grouped: dict[str, list[str]] = {}
        for attribute, message in self.items:
            grouped.setdefault(attribute, []).append(message)
        return [{"title": attribute, "detail": ", ".join(messages)} for attribute, messages in grouped.items()]


def parse_declaration_date(raw) -> datetime | None:
    """RFC 3339 as the existing service reads it; with no offset, the time is London's."""
    match = _RFC3339.match(raw) if isinstance(raw, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         int((fraction or "0")[:6].ljust(6, "0")), tzinfo=_zone(zone))
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(zone: str | None):
    if zone is None:
        return LONDON
    if zone.upper() == "Z":
        return UTC
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if zone[0] == "-" else offset)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(attributes: dict, *, participant_given: bool, participant_known: bool, enrolment: Enrolment | None,
          now: datetime) -> tuple[Refusals, Declared | None]:
    """The refusals, in the existing service's order, or the declaration to record. `enrolment` is None when the
    participant has no training with this provider for the course named."""
    refusals = Refusals()
    if not participant_given:
        refusals.add("participant_id", PARTICIPANT_MISSING)
    elif not participant_known:
        refusals.add("participant_id", PARTICIPANT_UNKNOWN)
    raw_date, declaration_type = attributes.get("declaration_date"), attributes.get("declaration_type")
    if _blank(raw_date):
        refusals.add("declaration_date", DATE_MISSING)
    if _blank(declaration_type):
        refusals.add("declaration_type", TYPE_MISSING)
    declared_at = None
    if not _blank(raw_date):
        declared_at = parse_declaration_date(raw_date)
        if declared_at is None:
            refusals.add("declaration_date", DATE_INVALID)
        elif declared_at > now:
            refusals.add("declaration_date", DATE_FUTURE)
    if refusals:
        return refusals, None
    if enrolment is None:
        refusals.add("course_identifier", COURSE_UNKNOWN)
        return refusals, None

    declaration_type = declaration_type if isinstance(declaration_type, str) else ""
    if (enrolment.participant_type == "mentor" and enrolment.cohort >= FIRST_MENTOR_FUNDING_COHORT
            and declaration_type in DECLARATION_TYPES and declaration_type not in ("started", "completed")):
        refusals.add("declaration_type", MENTOR_ONLY_STARTED_OR_COMPLETED)
    else:
        milestone = milestone_for(enrolment.schedule, enrolment.cohort, declaration_type)
        if milestone is None:
            refusals.add("declaration_type", TYPE_NOT_IN_SCHEDULE)
        else:
            on = declared_at.astimezone(LONDON).date()
            if on < milestone.start_date:
                refusals.add("declaration_date", BEFORE_MILESTONE)
            if milestone.milestone_date is not None and on > milestone.milestone_date:
                refusals.add("declaration_date", AFTER_MILESTONE)
    withdrawn_at = enrolment.withdrawn_at
    if enrolment.training_status == "withdrawn" and withdrawn_at is not None and withdrawn_at <= declared_at:
        refusals.add("participant_id", WITHDRAWN.format(date=withdrawn_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    if refusals:
        return refusals, None

    evidence, problem = evidence_held(enrolment, declaration_type, attributes.get("evidence_held"))
    if problem:
        refusals.add("evidence_held", problem)
        return refusals, None
    return refusals, Declared(declaration_type, declared_at, evidence)


def evidence_held(enrolment: Enrolment, declaration_type: str, given) -> tuple[str | None, str | None]:
    """(the evidence to record, the refusal). From the 2025 cohort the evidence depends on the course and the
    declaration (a started one may leave it out); before, every declaration but started needs one of three, and a
    started one's is not recorded."""
    value = None if _blank(given) else given
    if enrolment.cohort >= FIRST_DETAILED_EVIDENCE_COHORT:
        if declaration_type == "started" and value is None:
            return None, None
        if value is None:
            return None, EVIDENCE_MISSING
        allowed = EVIDENCE_FROM_2025[enrolment.participant_type].get(declaration_type, ())
        return (value, None) if value in allowed else (None, EVIDENCE_INVALID)
    if declaration_type == "started":
        return None, None
    if value is None:
        return None, EVIDENCE_MISSING
    return (value, None) if value in EVIDENCE_BEFORE_2025 else (None, EVIDENCE_INVALID)


def v3_state(state: str) -> str:
    return state.replace("_", "-")
