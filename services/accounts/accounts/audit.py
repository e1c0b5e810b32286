"""The audit trail: every change accounts makes, with its actor copied at the time.

Each entry names the actor (type, user id, email and name as they were then), the organisation the
actor acted for and, for DfE staff acting for an organisation, their stated reason; the organisation
whose data changed; the subject (type and id); the action; and the subject before and after.
"""
from __future__ import annotations

from datetime import datetime, UTC

from ecf_shared import correlation
from ecf_shared.auth.actor import Principal
from ecf_shared.events.envelope import Actor, jsonable

from accounts.domain.model import AuditEntry


def record(db_session, *, actor: Actor, action: str, subject_type: str, subject_id: str,
           organisation_id: str | None = None, before: dict | None = None, after: dict | None = None,
           staff_reason: str | None = None) -> AuditEntry:
    entry = AuditEntry(
        action=action, subject_type=subject_type, subject_id=str(subject_id), actor_type=actor.type,
        actor_user_id=actor.user_id, actor_email=actor.email, actor_name=actor.name,
        acting_for_organisation_id=actor.organisation_id, staff_reason=staff_reason,
        organisation_id=str(organisation_id) if organisation_id else None,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        correlation_id=correlation.current(), at=datetime.now(UTC),
    )
    db_session.add(entry)
    return entry


def actor_of(principal: Principal, organisation_id: str | None) -> Actor:
    """The event actor for a user's change: a staff user acting for an organisation names both."""
    return principal.event_actor(principal.acting_organisation_id if principal.is_staff else organisation_id)


def record_by(db_session, principal: Principal, organisation_id: str | None, **kw) -> Actor:
    """Audit a signed-in user's change; returns the actor to put on the events it publishes."""
    actor = actor_of(principal, organisation_id)
    record(db_session, actor=actor, organisation_id=organisation_id, staff_reason=principal.acting_for_reason, **kw)
    return actor


def entry_view(entry: AuditEntry) -> dict:
    return {"id": entry.id, "at": entry.at, "action": entry.action,
            "subject": {"type": entry.subject_type, "id": entry.subject_id},
            "actor": {"type": entry.actor_type, "user_id": entry.actor_user_id, "email": entry.actor_email,
                      "name": entry.actor_name, "organisation_id": entry.acting_for_organisation_id,
                      "staff_reason": entry.staff_reason},
            "organisation_id": entry.organisation_id, "before": entry.before, "after": entry.after,
            "correlation_id": entry.correlation_id}
