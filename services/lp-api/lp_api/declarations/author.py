"""Who changed a declaration or a statement, for the audit trail and the events: a lead provider's token, a DfE
finance user, or lp-api itself (a statement's cut-off passing)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ecf_shared.events.envelope import Actor
from lp_api.adapters import api_audit
from lp_api.api_audit import Caller


@dataclass(frozen=True)
class Author:
    actor: Actor
    token_id: str | None = None
    performed_by: str | None = None

    @classmethod
    def of_caller(cls, caller: Caller) -> Author:
        return cls(caller.actor, token_id=caller.token_id, performed_by=caller.performed_by)

    @classmethod
    def of_principal(cls, principal) -> Author:
        actor = principal.event_actor()
        return cls(actor, performed_by=(principal.email or principal.user_id)[:200])


CUT_OFF = Author(Actor(type="system", name="statement cut-off"), performed_by="lp-api: statement cut-off passed")


def audit_all(session: Session, author: Author, entries: list[dict]) -> None:
    """entries: {lead_provider_id, action, subject_type, subject_id, details}; the author goes in each row."""
    if not entries:
        return
    session.execute(insert(api_audit), [{
        **entry, "token_id": author.token_id, "performed_by": author.performed_by,
        "details": {**entry["details"], "author": author.actor.to_dict()}} for entry in entries])
