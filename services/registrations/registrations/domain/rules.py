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


def already_registered(at_this_school: bool) -> Conflict:
    if at_this_school:
        return Conflict("This teacher is already registered as an ECT at your school.", code="already_registered_here")
    return Conflict("This teacher has an open ECT registration at another school. Ask that school to record that "
                    "they have left, or contact support if they have moved.", code="registered_elsewhere")
