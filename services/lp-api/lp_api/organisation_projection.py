"""Keeps organisations and school contacts: the latest event wins, a late older one is ignored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from lp_api.adapters import organisations, school_contacts

_ORGANISATION_FIELDS = ("type", "name", "urn", "ukprn", "status", "contact_email", "establishment_type",
                        "state_funded", "eligible")


def record_organisation(session: Session, organisation: dict, occurred_at: datetime) -> bool:
    """True when the row was written (the event is not older than what is stored)."""
    row = {"id": organisation["organisation_id"], "source_at": occurred_at,
           **{f: organisation.get(f) for f in _ORGANISATION_FIELDS}}
    statement = insert(organisations).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=[organisations.c.id],
        set_={k: statement.excluded[k] for k in row if k != "id"},
        where=organisations.c.source_at <= statement.excluded.source_at,
    ).returning(organisations.c.id)
    return session.execute(statement).first() is not None


def record_school_contacts(session: Session, contacts: dict, occurred_at: datetime) -> None:
    row = {"school_id": contacts["organisation_id"], "contact_email": contacts.get("contact_email"),
           "induction_tutors": contacts["induction_tutors"], "source_at": occurred_at}
    statement = insert(school_contacts).values(**row)
    session.execute(statement.on_conflict_do_update(
        index_elements=[school_contacts.c.school_id],
        set_={k: statement.excluded[k] for k in row if k != "school_id"},
        where=school_contacts.c.source_at <= statement.excluded.source_at,
    ))
