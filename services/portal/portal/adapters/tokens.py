"""The signed-in user's access and refresh tokens, kept server-side beside the session (never in the browser),
encrypted at rest (Fernet, a key derived from the portal's secret key).

Refreshing rotates the refresh token in accounts, so two requests of one session must never both refresh with
the same one: the refresh runs under the session row's lock, and a request that waited uses the tokens the
first one got."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta, UTC
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update

from portal.adapters.tables import sessions

REFRESH_MARGIN = timedelta(seconds=30)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime

    @property
    def fresh(self) -> bool:
        return self.access_expires_at - REFRESH_MARGIN > _now()

    @classmethod
    def from_answer(cls, answer: dict, refresh_token: str | None = None) -> Tokens:
        """From accounts' token answer (a refresh token only when it rotated one)."""
        return cls(access_token=answer["access_token"], refresh_token=answer.get("refresh_token") or refresh_token,
                   access_expires_at=_now() + timedelta(seconds=int(answer.get("expires_in", 300))))


class TokenStore:
    def __init__(self, engine, secret_key: str):
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"ecf-portal", info=b"session tokens").derive(
            secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.engine = engine

    def _seal(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode())

    def _open(self, value: bytes | None) -> str | None:
        if value is None:
            return None
        try:
            return self._fernet.decrypt(bytes(value)).decode()
        except InvalidToken:
            return None  # sealed with another key (the secret changed): the user signs in again

    def _tokens(self, row) -> Tokens | None:
        if row is None or row.access_token is None:
            return None
        access, refresh = self._open(row.access_token), self._open(row.refresh_token)
        if access is None or refresh is None:
            return None
        return Tokens(access, refresh, row.access_expires_at)

    def load(self, id_hash: str) -> Tokens | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.access_token, sessions.c.refresh_token, sessions.c.access_expires_at)
                               .where(sessions.c.id_hash == id_hash)).first()
        return self._tokens(row)

    def save(self, id_hash: str, tokens: Tokens, user_id: str | None = None) -> None:
        values = {"access_token": self._seal(tokens.access_token), "refresh_token": self._seal(tokens.refresh_token),
                  "access_expires_at": tokens.access_expires_at}
        if user_id:
            values["user_id"] = user_id
        with self.engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(**values))

    def refresh(self, id_hash: str, stale: Tokens, refresher: Callable[[str], dict]) -> Tokens | None:
        """Fresh tokens: refreshed with `refresher(refresh_token)` under the row lock, unless another request of
        this session already did (then its tokens). None when there are none any more (signed out)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions.c.access_token, sessions.c.refresh_token, sessions.c.access_expires_at)
                               .where(sessions.c.id_hash == id_hash).with_for_update()).first()
            current = self._tokens(row)
            if current is None:
                return None
            if current.access_token != stale.access_token and current.fresh:
                return current
            tokens = Tokens.from_answer(refresher(current.refresh_token), current.refresh_token)
            conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(
                access_token=self._seal(tokens.access_token), refresh_token=self._seal(tokens.refresh_token),
                access_expires_at=tokens.access_expires_at))
            return tokens

    def forget(self, id_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(
                access_token=None, refresh_token=None, access_expires_at=None, user_id=None))
