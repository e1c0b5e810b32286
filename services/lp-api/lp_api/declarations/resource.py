"""The v3 participant-declaration resource, assembled from a stored declaration (a mapping of its columns)."""
from __future__ import annotations

from lp_api.declarations.rules import v3_state
from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "participant-declaration"


def declaration_resource(row, *, lead_provider_name: str) -> dict:
    return {
        "id": row["id"],
        "type": RESOURCE_TYPE,
        "attributes": {
            "participant_id": row["teacher_id"],
            "declaration_type": row["declaration_type"],
            "declaration_date": v3_datetime(row["declaration_date"]),
            "course_identifier": row["course_identifier"],
            "state": v3_state(row["state"]),
            "updated_at": v3_datetime(row["updated_at"]),
            "created_at": v3_datetime(row["created_at"]),
            "delivery_partner_id": row["delivery_partner_id"],
            "statement_id": row["statement_id"],
            "clawback_statement_id": row["clawback_statement_id"],
            "ineligible_for_funding_reason": row["ineligible_reason"],
            "mentor_id": row["mentor_id"],
            "uplift_paid": False,  # lp-api knows of no uplifts (pupil premium, sparsity)
            "evidence_held": row["evidence_held"],
            "has_passed": None,
            "lead_provider_name": lead_provider_name,
        },
    }
