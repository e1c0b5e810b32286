"""The v3 ECF partnership resource, with the school's contacts (beyond v3: clients ignore what they do not know)."""
from __future__ import annotations

from datetime import datetime

from ecf_shared.school_contacts import induction_tutor, school_contact_list
from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "partnership"


def ecf_partnership_resource(partnership: dict, *, school: dict | None, delivery_partner_name: str | None,
                             contacts: dict | None, updated_at: datetime | None) -> dict:
    school_email = school["contact_email"] if school else None
    tutor_name, tutor_email = induction_tutor(contacts, school_email)
    return {
        "id": partnership["id"],
        "type": RESOURCE_TYPE,
        "attributes": {
            "cohort": str(partnership["cohort"]),
            "urn": (school or {}).get("urn") or "",
            "school_id": partnership["school_id"],
            "delivery_partner_id": partnership["delivery_partner_id"],
            "delivery_partner_name": delivery_partner_name or "",
            "status": "active",
            "challenged_reason": None,
            "challenged_at": None,
            "induction_tutor_name": tutor_name,
            "induction_tutor_email": tutor_email,
            "updated_at": v3_datetime(updated_at),
            "created_at": v3_datetime(partnership["created_at"]),
            "school_contacts": school_contact_list(contacts, school_email),
        },
    }
