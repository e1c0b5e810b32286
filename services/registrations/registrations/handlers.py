"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

from ecf_shared.events.envelope import Event
from ecf_shared.uow import UnitOfWork
from registrations.adapters import start_mappers
from registrations.domain.model import SchoolCopy


def copy_organisation(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    org = uow.session.get(SchoolCopy, str(data["organisation_id"]))
    if org is None:
        org = SchoolCopy(id=str(data["organisation_id"]), type=data["type"], name=data["name"], urn=data["urn"],
                         status=data["status"])
        uow.session.add(org)
    org.type, org.name, org.urn, org.status = data["type"], data["name"], data["urn"], data["status"]
    org.state_funded, org.eligible = data.get("state_funded"), data.get("eligible")


def handlers(settings, db) -> dict:
    start_mappers()
    return {
        "accounts.organisation.created": copy_organisation,
        "accounts.organisation.updated": copy_organisation,
        "accounts.organisation.closed": copy_organisation,
    }
