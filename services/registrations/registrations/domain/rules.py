"""Registration rules, as plain functions that raise clear errors."""
from __future__ import annotations

from datetime import date

from ecf_shared.errors import Conflict, Invalid

COMPLETED_STATUSES = {"Passed", "Failed", "FailedInWales", "Exempt"}


def check_teacher_may_start_induction(teacher: dict) -> list[str]:
    """`teacher` is trs-sync's normalised record. Returns warnings; raises on a refusal."""
    status = (teacher.get("induction") or {}).get("status")
    if status in COMPLETED_STATUSES:
        raise Invalid(f"This teacher's induction is already {status.lower()}, so they cannot be registered as an ECT.",
                      code="induction_already_completed", fields={"trn": [f"Induction already {status}."]})
    if teacher.get("prohibited_from_teaching"):
        raise Invalid("This teacher is prohibited from teaching. Contact the Teaching Regulation Agency.",
                      code="prohibited_from_teaching", fields={"trn": ["Prohibited from teaching."]})
    warnings = []
    if not teacher.get("qts_awarded_on"):
        warnings.append("This teacher does not hold QTS yet. You can register them, but their induction cannot "
                        "start until QTS is awarded.")
    return warnings


def check_programme(programme: str, lead_provider_id: str | None) -> None:
    if programme == "provider_led" and not lead_provider_id:
        raise Invalid("Choose the lead provider for provider-led training.",
                      fields={"lead_provider_id": ["Required for provider-led training."]})
    if programme == "school_led" and lead_provider_id:
        raise Invalid("School-led training has no lead provider.",
                      fields={"lead_provider_id": ["Must be empty for school-led training."]})


def check_start_date(started_on: date, today: date) -> None:
    if started_on.year < 2021:
        raise Invalid("The start date is too early.", fields={"started_on": ["Must be on or after 1 January 2021."]})
    if (started_on - today).days > 366:
        raise Invalid("The start date is too far ahead.", fields={"started_on": ["Must be within a year from today."]})


def already_registered(at_this_school: bool, elsewhere: dict | None = None) -> Conflict:
    """`elsewhere`: the other school's name and when the teacher started there ({school_name, started_on}), so the
    school can be asked whether the teacher is moving to it."""
    if at_this_school:
        return Conflict("This teacher is already registered as an ECT at your school.", code="already_registered_here")
    return Conflict("This teacher has an open ECT registration at another school. If they are moving to your school, "
                    "confirm the move (moving_from_another_school) and that registration will end the day before they "
                    "start with you; otherwise ask that school to record that they have left.", code="registered_elsewhere",
                    details={"registered_elsewhere": elsewhere} if elsewhere else None)


def check_after_earlier_registrations(started_on: date, last_finished_on: date | None) -> None:
    """ECT registrations never overlap, across all schools: a new one starts after the teacher's earlier ones ended."""
    if last_finished_on is not None and started_on <= last_finished_on:
        raise Invalid(f"This teacher was registered as an ECT until {last_finished_on.isoformat()}, so this registration "
                      "must start after that.", code="overlaps_earlier_registration",
                      fields={"started_on": [f"Must be after {last_finished_on.isoformat()}."]})


# --- appropriate bodies and cohorts ------------------------------------------------------------------

# accounts' organisation payload has no field for an appropriate body's kind, so for appropriate bodies its
# `establishment_type` carries it: "teaching_school_hub", "national" or "local_authority". Demo data may lack
# it; an unknown kind is treated as a teaching school hub (the kind every school may name).
AB_KINDS = ("teaching_school_hub", "national", "local_authority")


def appropriate_body_kind(establishment_type: str | None) -> str:
    return establishment_type if establishment_type in AB_KINDS else "teaching_school_hub"


def may_name_appropriate_body(school_state_funded: bool | None, ab_establishment_type: str | None) -> bool:
    """A state-funded school may only name a teaching school hub; an independent school a national body or a
    hub, never a local authority. A school whose funding is unknown is held to the state-funded rule."""
    kind = appropriate_body_kind(ab_establishment_type)
    if school_state_funded is False:
        return kind != "local_authority"
    return kind == "teaching_school_hub"


def check_appropriate_body(school_state_funded: bool | None, ab_establishment_type: str | None) -> None:
    """`may_name_appropriate_body`, refusing with the reason."""
    if may_name_appropriate_body(school_state_funded, ab_establishment_type):
        return
    if school_state_funded is False:
        raise Invalid("An independent school cannot name a local authority as its appropriate body. Choose a "
                      "national appropriate body or a teaching school hub.", code="appropriate_body_not_allowed",
                      fields={"appropriate_body_id": ["Independent schools use a national body or a teaching school hub."]})
    raise Invalid("A state-funded school must name a teaching school hub as its appropriate body.",
                  code="appropriate_body_not_allowed",
                  fields={"appropriate_body_id": ["State-funded schools use a teaching school hub."]})


def academic_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def check_cohort(cohort: int, started_on: date) -> None:
    """The cohort is the academic year (September to August) the teacher starts in; someone starting in the
    summer term may instead join the next cohort, whose training starts in September."""
    year = academic_year(started_on)
    allowed = {year, year + 1} if 4 <= started_on.month <= 8 else {year}
    if cohort not in allowed:
        choices = " or ".join(str(c) for c in sorted(allowed))
        raise Invalid(f"A teacher starting on {started_on.isoformat()} belongs to the {choices} cohort.",
                      code="cohort_mismatch", fields={"cohort": [f"Must be {choices} for this start date."]})


# --- mentors and mentorships ----------------------------------------------------------------------------

def check_mentor_programme(programme: str) -> None:
    if programme != "provider_led":
        raise Invalid("Mentor training is always provider-led.",
                      fields={"training_programme": ["Mentors always have provider-led training."]})


def check_may_mentor(teacher: dict) -> None:
    if teacher.get("prohibited_from_teaching"):
        raise Invalid("This teacher is prohibited from teaching. Contact the Teaching Regulation Agency.",
                      code="prohibited_from_teaching", fields={"trn": ["Prohibited from teaching."]})


def already_mentoring() -> Conflict:
    return Conflict("This teacher is already registered as a mentor at your school for those dates.",
                    code="already_mentoring_here")


def inside(day: date, started_on: date, finished_on: date | None) -> bool:
    return started_on <= day and (finished_on is None or day <= finished_on)


def check_mentorship(*, ect_school_id: str, ect_teacher_id: str, ect_started_on: date, ect_finished_on: date | None,
                     mentor_school_id: str, mentor_teacher_id: str, mentor_started_on: date,
                     mentor_finished_on: date | None, started_on: date) -> None:
    if ect_school_id != mentor_school_id:
        raise Invalid("The mentor must be registered at the ECT's school.", code="mentor_at_another_school",
                      fields={"mentor_id": ["Not a mentor at this ECT's school."]})
    if ect_teacher_id == mentor_teacher_id:
        raise Invalid("Nobody can mentor themself.", code="self_mentoring", fields={"mentor_id": ["This is the ECT."]})
    if not inside(started_on, ect_started_on, ect_finished_on) or not inside(started_on, mentor_started_on, mentor_finished_on):
        raise Invalid("The mentorship must start while both the ECT and the mentor are at the school.",
                      code="mentorship_outside_periods",
                      fields={"started_on": ["Must be inside both the ECT's and the mentor's time at the school."]})


def check_finish(started_on: date, finished_on: date, field: str = "finished_on") -> None:
    if finished_on < started_on:
        raise Invalid("That date is before the period started.", code="finishes_before_start",
                      fields={field: [f"Must be on or after {started_on.isoformat()}."]})


# --- lead providers' requests about training ----------------------------------------------------------

LP_ACTIONS = {"withdraw": "withdrawn", "defer": "deferred", "resume": "resumed", "change_schedule": "schedule_changed"}


def check_lead_provider_action(status: str, action: str, reason: str | None, schedule: str | None) -> str:
    """The training change a lead provider's request makes, or Invalid when a rule refuses it."""
    if status == "withdrawn":
        raise Invalid("This participant has been withdrawn; nothing more can be changed.", code="participant_withdrawn")
    if action in ("withdraw", "defer") and not reason:
        raise Invalid(f"A reason is needed to {action}.", code="reason_required", fields={"reason": ["Required."]})
    if action == "resume" and status == "active":
        raise Invalid("This participant is already active.", code="already_active")
    if action == "defer" and status == "deferred":
        raise Invalid("This participant is already deferred.", code="already_deferred")
    if action == "change_schedule" and not schedule:
        raise Invalid("Name the new schedule.", code="schedule_required", fields={"schedule_identifier": ["Required."]})
    return LP_ACTIONS[action]
