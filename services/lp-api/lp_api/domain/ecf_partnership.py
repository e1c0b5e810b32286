"""The v3 ECF partnership resource, with the school's contacts (beyond v3: clients ignore what they do not know)."""
from __future__ import annotations

from datetime import datetime

from lp_api.domain.timestamps import v3_datetime

RESOURCE_TYPE = "partnership"


def school_contact_list(contacts: dict | None, school_email: str | None) -> list[dict]:
    contacts = contacts or {}
    listed = [{"name": t.get("name"), "email": t["email"], "role": "induction_tutor"}
              for t in contacts.get("induction_tutors") or []]
    general = contacts.get("contact_email") or school_email
    if general:
        listed.append({"name": None, "email": general, "role": "school_contact"})
    listed += [{"name": None, "email": e, "role": "school_user"} for e in contacts.get("user_emails") or []]
    return listed


def induction_tutor(contacts: dict | None, school_email: str | None) -> tuple[str | None, str]:
    """The nominated tutor; without one, the school's contact email (v3 always has an email)."""
    tutors = (contacts or {}).get("induction_tutors") or []
    if tutors:
        return tutors[0].get("name"), tutors[0]["email"]
    return None, (contacts or {}).get("contact_email") or school_email or ""


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
