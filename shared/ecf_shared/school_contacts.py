"""What lead providers receive as a school's contacts: one rule, applied by lp-api to every partnership it sends
and by accounts to show a school what lead providers see."""
from __future__ import annotations


def school_contact_list(contacts: dict | None, school_email: str | None) -> list[dict]:
    """The nominated induction tutors, the school's contact email, then every user's email."""
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
