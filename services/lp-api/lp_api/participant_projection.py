"""Keeps the participants read model: sources in, the v3 resource out, computed once per change.

`updated_at` is the occurred_at of the event that changed what a lead provider sees; it only moves
forward, and an event that changes nothing visible leaves it (and the row) alone.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from lp_api.adapters import organisations, participants
from lp_api.domain.ecf_participant import ecf_participant_resource, lead_provider_of, same_content


def record_registration(session: Session, registration: dict, occurred_at: datetime) -> None:
    participant_id = registration["teacher_id"]
    existing = _locked(session, participants.c.id == participant_id)
    if existing and existing[0]["registration_at"] > occurred_at:
        return  # an older registration delivered late: the newer one stands
    current = existing[0] if existing else None
    created_at = current["created_at"] if current else datetime.fromisoformat(registration["registered_at"])
    _save(session, participant_id, registration, registration_at=occurred_at, created_at=created_at,
          current=current, changed_at=occurred_at)


def refresh_school(session: Session, school_id: str, occurred_at: datetime) -> None:
    """Recompute the participants at a school whose details changed (only real changes are written)."""
    for row in _locked(session, participants.c.school_id == school_id):
        _save(session, row["id"], row["registration"], registration_at=row["registration_at"],
              created_at=row["created_at"], current=row, changed_at=occurred_at)


def _locked(session: Session, where) -> list[dict]:
    return list(session.execute(select(participants).where(where).order_by(participants.c.id).with_for_update())
                .mappings())


def _save(session: Session, participant_id: str, registration: dict, *, registration_at: datetime,
          created_at: datetime, current: dict | None, changed_at: datetime) -> None:
    changed_at = _to_milliseconds(changed_at)  # what v3 shows, so a client's updated_since matches the row
    updated_at = max(current["updated_at"], changed_at) if current else changed_at
    document = ecf_participant_resource(participant_id, registration, school_urn=_school_urn(session, registration),
                                        created_at=created_at, updated_at=updated_at)
    values = {
        "lead_provider_id": lead_provider_of(registration),
        "school_id": registration["school_id"],
        "cohort": registration["training"]["cohort"],
        "training_status": registration["training"].get("status") or "active",
        "registration": registration,
        "registration_at": registration_at,
    }
    if current is not None and same_content(current["document"], document):
        if current["registration"] != registration or current["registration_at"] != registration_at:
            session.execute(participants.update().where(participants.c.id == participant_id).values(**values))
        return
    row = {**values, "id": participant_id, "created_at": created_at, "updated_at": updated_at, "document": document}
    statement = insert(participants).values(**row)
    session.execute(statement.on_conflict_do_update(
        index_elements=[participants.c.id], set_={k: v for k, v in row.items() if k != "id"},
        # Two first registrations racing: the later event wins whichever commits last.
        where=participants.c.registration_at <= statement.excluded.registration_at))


def _school_urn(session: Session, registration: dict) -> str | None:
    if registration.get("school_urn"):
        return registration["school_urn"]
    return session.execute(select(organisations.c.urn).where(organisations.c.id == registration["school_id"])).scalar()


def _to_milliseconds(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)
