"""The audit trail: every change (and every refused lead provider request) with its actor copied at the time."""
from __future__ import annotations

from ecf_shared.auth.actor import Principal
from ecf_shared.events.envelope import Actor, jsonable
from registrations.domain.model import AuditEntry


def record(uow, *, actor: Actor, action: str, subject_id: str, teacher_id: str | None, school_id: str | None,
           details: dict | None = None, outcome: str = "applied", acting_for_reason: str | None = None) -> None:
    uow.session.add(AuditEntry(teacher_id=teacher_id, subject_id=subject_id, school_id=school_id, action=action,
                               actor=actor.to_dict(), acting_for_reason=acting_for_reason, outcome=outcome,
                               details=jsonable(details or {})))


def record_by(uow, principal: Principal, school_id: str, **kw) -> Actor:
    """Audit a user's change (a staff user's acting-for reason included); returns the actor for the events."""
    actor = principal.event_actor(school_id)
    record(uow, actor=actor, school_id=school_id, acting_for_reason=principal.acting_for_reason, **kw)
    return actor
