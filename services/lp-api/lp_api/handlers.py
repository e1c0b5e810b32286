"""Event handlers: plain functions of (unit of work, event). Each is an idempotent upsert."""
from __future__ import annotations

from ecf_shared.events.envelope import Event, jsonable
from ecf_shared.uow import UnitOfWork
from lp_api.organisation_projection import record_organisation, record_school_contacts
from lp_api.participant_projection import record_registration, refresh_school


def organisation_changed(uow: UnitOfWork, event: Event) -> None:
    """accounts.organisation.created / updated / closed: the payload is the whole organisation."""
    organisation = jsonable(event.data)
    written = record_organisation(uow.session, organisation, event.occurred_at)
    if written and organisation["type"] == "school":
        refresh_school(uow.session, organisation["organisation_id"], event.occurred_at)


def school_contacts_changed(uow: UnitOfWork, event: Event) -> None:
    # Kept for partnerships' induction tutor details (the lp-api issue).
    record_school_contacts(uow.session, jsonable(event.data), event.occurred_at)


def ect_registered(uow: UnitOfWork, event: Event) -> None:
    record_registration(uow.session, jsonable(event.data), event.occurred_at)


def handlers(settings, db) -> dict:
    return {
        "accounts.organisation.created": organisation_changed,
        "accounts.organisation.updated": organisation_changed,
        "accounts.organisation.closed": organisation_changed,
        "accounts.school_contacts.changed": school_contacts_changed,
        "registrations.ect.registered": ect_registered,
    }
