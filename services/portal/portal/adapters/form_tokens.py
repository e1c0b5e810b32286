"""One-time tokens on a wizard's final "confirm" step: the first POST that presents a token takes it (an insert
that only one request across every replica can make); a replay, a second click or another tab finds it taken and
is sent where the first one went, so a confirmation is never acted on twice."""
from __future__ import annotations

import hashlib

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from portal.adapters.tables import form_tokens


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FormTokens:
    def __init__(self, engine):
        self.engine = engine

    def take(self, token: str, session_hash: str) -> bool:
        with self.engine.begin() as conn:
            taken = conn.execute(insert(form_tokens).values(token_hash=_hash(token), session_hash=session_hash)
                                 .on_conflict_do_nothing().returning(form_tokens.c.token_hash)).first()
        return taken is not None

    def release(self, token: str) -> None:
        """The action was refused (bad input, a rule): the same answers may be corrected and confirmed again."""
        with self.engine.begin() as conn:
            conn.execute(form_tokens.delete().where(form_tokens.c.token_hash == _hash(token),
                                                    form_tokens.c.result_url.is_(None)))

    def done(self, token: str, result_url: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(form_tokens).where(form_tokens.c.token_hash == _hash(token))
                         .values(result_url=result_url))

    def result(self, token: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(form_tokens.c.result_url).where(form_tokens.c.token_hash == _hash(token))).scalar()
