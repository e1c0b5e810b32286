"""The v3 ECF participant resource, computed from an ECT's registration.

Lead providers read the stored resource as is, so everything v3 shows is decided here, when a source
changes. Registration data arrives in its JSON form (uuids, dates and date-times as strings).
"""
from __future__ import annotations

from datetime import datetime

from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "participant"
DEFAULT_SCHEDULE = "ecf-standard-september"
SCHEDULES = frozenset(
    f"ecf-{kind}-{month}"
    for kind in ("standard", "reduced", "extended", "replacement")
    for month in ("september", "january", "april")
)


def lead_provider_of(registration: dict) -> str | None:
    """Only provider-led training is visible to a lead provider."""
    training = registration["training"]
    if training["programme"] != "provider_led":
        return None
    return training.get("lead_provider_id")


def ecf_participant_resource(participant_id: str, registration: dict, *, school_urn: str | None,
                             created_at: datetime | str, updated_at: datetime | str) -> dict:
    return {
        "id": participant_id,
        "type": RESOURCE_TYPE,
        "attributes": {
            "full_name": f"{registration['first_name']} {registration['last_name']}".strip(),
            "teacher_reference_number": registration["trn"],
            "updated_at": v3_datetime(updated_at),
            "ecf_enrolments": [_ect_enrolment(registration, school_urn=school_urn, created_at=created_at)],
            "participant_id_changes": [],
        },
    }


def _ect_enrolment(registration: dict, *, school_urn: str | None, created_at: datetime | str) -> dict:
    training = registration["training"]
    registered_by = registration.get("registered_by") or {}
    schedule = training.get("schedule")
    return {
        "training_record_id": training["training_period_id"],
        "email": registration["email"],
        "mentor_id": None,
        "school_urn": school_urn,
        "participant_type": "ect",
        "cohort": str(training["cohort"]),
        "training_status": training.get("status") or "active",
        "participant_status": "active",
        "teacher_reference_number_validated": True,
        "eligible_for_funding": None,
        "pupil_premium_uplift": False,
        "sparsity_uplift": False,
        "schedule_identifier": schedule if schedule in SCHEDULES else DEFAULT_SCHEDULE,
        "delivery_partner_id": training.get("delivery_partner_id"),
        "withdrawal": None,
        "deferral": None,
        "created_at": v3_datetime(created_at),
        "induction_end_date": None,
        "mentor_funding_end_date": None,
        "cohort_changed_after_payments_frozen": False,
        "mentor_ineligible_for_funding_reason": None,
        # Not in v3; existing clients ignore attributes they do not know.
        "registered_by": {"name": registered_by.get("name"), "email": registered_by.get("email")},
    }


def same_content(a: dict | None, b: dict | None) -> bool:
    """Equal apart from `updated_at`, which only moves when something else changed."""
    def without_updated_at(resource):
        if resource is None:
            return None
        return {**resource, "attributes": {k: v for k, v in resource["attributes"].items() if k != "updated_at"}}

    return without_updated_at(a) == without_updated_at(b)
