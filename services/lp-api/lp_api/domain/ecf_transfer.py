"""The v3 participant transfer resource: a teacher's moves between schools that a lead provider is part of."""
from __future__ import annotations

from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "participant-transfer"


def participant_transfer_resource(teacher_id: str, moves: list[dict], organisations: dict[str, dict]) -> dict:
    def name(organisation_id):
        return (organisations.get(organisation_id) or {}).get("name") or ""

    def urn(school_id, known=None):
        return known or (organisations.get(school_id) or {}).get("urn") or ""

    return {
        "id": teacher_id,
        "type": RESOURCE_TYPE,
        "attributes": {
            "updated_at": v3_datetime(max(m["created_at"] for m in moves)),
            "transfers": [{
                "training_record_id": m["training_record_id"],
                "transfer_type": "new_school" if m["from_lead_provider_id"] == m["to_lead_provider_id"] else "new_provider",
                "status": "complete",
                "leaving": {"school_urn": urn(m["from_school_id"]), "provider": name(m["from_lead_provider_id"]),
                            "date": m["moved_on"].isoformat()},
                "joining": {"school_urn": urn(m["to_school_id"], m["to_school_urn"]),
                            "provider": name(m["to_lead_provider_id"]), "date": m["moved_on"].isoformat()},
                "created_at": v3_datetime(m["created_at"]),
            } for m in moves],
        },
    }
