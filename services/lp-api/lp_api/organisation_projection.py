"""Keeps organisations and school contacts: the latest event wins, a late older one is ignored.

`updated_at` is the transaction time of the last change a lead provider could see (schools and
delivery partners are served from these rows).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ecf_shared.ordering import upsert_if_newer
from lp_api.adapters import organisations, school_contacts
from lp_api.read_model_time import moved_forward, transaction_time

_ORGANISATION_FIELDS = ("type", "name", "urn", "ukprn", "status", "contact_email", "establishment_type",
                        "state_funded", "eligible")


def record_organisation(session: Session, organisation: dict, occurred_at: datetime) -> bool:
    """True when something about the organisation changed."""
    values = {f: organisation.get(f) for f in _ORGANISATION_FIELDS}
    now = transaction_time(session)
    inserted = session.execute(insert(organisations).values(
        id=organisation["organisation_id"], source_at=occurred_at, created_at=now, updated_at=now, **values)
        .on_conflict_do_nothing().returning(organisations.c.id)).first()
    if inserted:
        return True
    current = session.execute(select(organisations).where(organisations.c.id == organisation["organisation_id"])
                              .with_for_update()).mappings().one()
    if current["source_at"] > occurred_at:
        return False
    changed = any(current[k] != v for k, v in values.items())
    extra = dict(values, updated_at=moved_forward(session, current["updated_at"])) if changed else {}
    session.execute(update(organisations).where(organisations.c.id == current["id"])
                    .values(source_at=occurred_at, **extra))
    return changed


def record_school_contacts(session: Session, contacts: dict, occurred_at: datetime) -> None:
    upsert_if_newer(session, school_contacts, {"school_id": contacts["organisation_id"]},
                    {"contact_email": contacts.get("contact_email"), "induction_tutors": contacts["induction_tutors"],
                     "user_emails": contacts.get("user_emails") or []}, occurred_at)
