"""The v3 ECF participant resource, assembled from a teacher and the enrolments one lead provider sees.

Lead providers read the stored resource as is, so everything v3 shows is decided here, when a source
changes. Rows arrive as mappings (uuids as strings, dates and date-times as Python values).
"""
from __future__ import annotations

from datetime import date, datetime

from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "participant"
DEFAULT_SCHEDULE = "ecf-standard-september"
SCHEDULES = tuple(
    f"ecf-{kind}-{month}"
    for kind in ("standard", "reduced", "extended", "replacement")
    for month in ("september", "january", "april")
)
WITHDRAWAL_REASONS = ("left-teaching-profession", "moved-school", "mentor-no-longer-being-mentor",
                      "switched-to-school-led", "other")
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
TRAINING_STATUSES = ("active", "deferred", "withdrawn")
COURSES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}


def lead_provider_of(training: dict | None) -> str | None:
    """Only provider-led training is visible to a lead provider."""
    if not training or training["programme"] != "provider_led":
        return None
    return training.get("lead_provider_id")


def v3_reason(reason: str | None, allowed: tuple[str, ...]) -> str:
    """Registrations' reasons in v3's words; anything v3 has no word for is 'other'."""
    candidate = (reason or "").strip().lower().replace("_", "-").replace(" ", "-")
    return candidate if candidate in allowed else "other"


def ecf_participant_resource(teacher: dict, enrolments: list[dict], *, school_urns: dict[str, str | None],
                             mentors: dict[str, str], induction_end_date: date | None,
                             updated_at: datetime | str, mentor_completion: tuple[date, str] | None = None) -> dict:
    """`mentor_completion`: what the teacher's declarations end a mentor's funding with (date, reason), if any."""
    return {
        "id": teacher["id"],
        "type": RESOURCE_TYPE,
        "attributes": {
            "full_name": f"{teacher['first_name']} {teacher['last_name']}".strip(),
            "teacher_reference_number": teacher["trn"],
            "updated_at": v3_datetime(updated_at),
            "ecf_enrolments": [
                _enrolment(e, school_urn=e["school_urn"] or school_urns.get(e["school_id"]),
                           mentor_id=mentors.get(e["period_id"]) if e["participant_type"] == "ect" else None,
                           induction_end_date=induction_end_date if e["participant_type"] == "ect" else None,
                           mentor_completion=mentor_completion if e["participant_type"] == "mentor" else None)
                for e in enrolments
            ],
            "participant_id_changes": [],
        },
    }


def _enrolment(row: dict, *, school_urn: str | None, mentor_id: str | None, induction_end_date: date | None,
               mentor_completion: tuple[date, str] | None = None) -> dict:
    registered_by = row["registered_by"] or {}
    funding_end, funding_end_reason = mentor_completion or (None, None)
    return {
        "training_record_id": row["id"],
        "email": row["email"],
        "mentor_id": mentor_id,
        "school_urn": school_urn,
        "participant_type": row["participant_type"],
        "cohort": str(row["cohort"]),
        "training_status": row["training_status"],
        "participant_status": row["participant_status"],
        "teacher_reference_number_validated": True,
        "eligible_for_funding": None,
        "pupil_premium_uplift": False,
        "sparsity_uplift": False,
        "schedule_identifier": row["schedule"] if row["schedule"] in SCHEDULES else DEFAULT_SCHEDULE,
        "delivery_partner_id": row["delivery_partner_id"],
        "withdrawal": row["withdrawal"],
        "deferral": row["deferral"],
        "created_at": v3_datetime(row["created_at"]),
        "induction_end_date": induction_end_date.isoformat() if induction_end_date else None,
        "mentor_funding_end_date": funding_end.isoformat() if funding_end else None,
        "cohort_changed_after_payments_frozen": False,
        "mentor_ineligible_for_funding_reason": funding_end_reason,
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
