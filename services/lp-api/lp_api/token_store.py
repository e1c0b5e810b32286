"""Lead provider tokens in the database: issue and revoke. Only keyed hashes are stored; requests look them up
in rate_limit.AUTH_CTES."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lp_api.adapters import lead_provider_tokens, token_audit
from lp_api.domain.tokens import new_token, token_hash


@dataclass(frozen=True)
class IssuedToken:
    id: str
    lead_provider_id: str
    token: str  # the only time the plaintext exists


def issue_token(session: Session, hash_key: str, *, lead_provider_id: str, name: str, performed_by: str) -> IssuedToken:
    token_id, token = str(uuid.uuid4()), new_token()
    session.execute(lead_provider_tokens.insert().values(
        id=token_id, lead_provider_id=lead_provider_id, name=name, token_hash=token_hash(hash_key, token)))
    _audit(session, token_id, lead_provider_id, "created", performed_by)
    return IssuedToken(id=token_id, lead_provider_id=lead_provider_id, token=token)


def revoke_token(session: Session, token_id: str, *, performed_by: str) -> str:
    """'revoked', 'already_revoked' or 'unknown'."""
    row = session.execute(select(lead_provider_tokens).where(lead_provider_tokens.c.id == token_id)
                          .with_for_update()).mappings().first()
    if row is None:
        return "unknown"
    if row["revoked_at"] is not None:
        return "already_revoked"
    session.execute(lead_provider_tokens.update().where(lead_provider_tokens.c.id == token_id)
                    .values(revoked_at=func.now()))
    _audit(session, token_id, row["lead_provider_id"], "revoked", performed_by)
    return "revoked"


def _audit(session: Session, token_id: str, lead_provider_id: str, action: str, performed_by: str) -> None:
    session.execute(token_audit.insert().values(token_id=token_id, lead_provider_id=lead_provider_id, action=action,
                                                performed_by=performed_by))
