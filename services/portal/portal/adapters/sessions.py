"""Server-side sessions in PostgreSQL, shared by every replica.

The cookie holds only a random 256-bit id; the row is keyed by its SHA-256, so a copy of the table opens no
session. Sessions end after `session_idle_minutes` without a request and `session_max_hours` after sign-in.
Why not Flask-Session: its SQL backend keys rows by the raw id, pickles the data and creates its table itself;
here the schema is Alembic's, the data JSON, and the signed-in user's tokens sit in the same row in columns
that only the token store writes (under a row lock), so saving a page's session never overwrites a refresh.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, UTC

from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from werkzeug.datastructures import CallbackDict

from portal.adapters.tables import sessions

TOUCH_EVERY = timedelta(seconds=60)


def hash_id(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, last_seen_at: datetime | None = None,
                 expires_at: datetime | None = None):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.last_seen_at = last_seen_at
        self.expires_at = expires_at
        self.modified = False
        self.regenerated = False

    @property
    def id_hash(self) -> str | None:
        return hash_id(self.sid) if self.sid else None

    def regenerate(self) -> None:
        """A new id (at sign-in and sign-out: no session fixation); the old row goes when this one is saved."""
        self.previous_hash = self.id_hash
        self.sid = secrets.token_urlsafe(32)
        self.regenerated = True
        self.modified = True


class PostgresSessionInterface(SessionInterface):
    def __init__(self, engine, *, idle: timedelta, lifetime: timedelta, cookie_secure: str = "auto"):
        self.engine = engine
        self.idle = idle
        self.lifetime = lifetime
        self.cookie_secure = cookie_secure

    def open_session(self, app, request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid and 20 <= len(sid) <= 100:
            with self.engine.connect() as conn:
                row = conn.execute(select(sessions.c.data, sessions.c.last_seen_at, sessions.c.expires_at)
                                   .where(sessions.c.id_hash == hash_id(sid), sessions.c.idle_expires_at > _now(),
                                          sessions.c.expires_at > _now())).first()
            if row is not None:
                return ServerSession(row.data, sid=sid, last_seen_at=row.last_seen_at, expires_at=row.expires_at)
        return ServerSession()

    def _secure(self, request) -> bool:
        if self.cookie_secure == "auto":
            return request.headers.get("X-Forwarded-Proto", request.scheme) == "https"
        return self.cookie_secure.lower() in ("1", "true", "yes", "on")

    def persist(self, session: ServerSession) -> None:
        """Write the session now (sign-in stores the tokens beside it straight after)."""
        now = _now()
        if session.sid is None:
            session.sid = secrets.token_urlsafe(32)
        expires_at = session.expires_at if session.expires_at and not session.regenerated else now + self.lifetime
        statement = insert(sessions).values(id_hash=session.id_hash, data=dict(session), last_seen_at=now,
                                            idle_expires_at=now + self.idle, expires_at=expires_at)
        statement = statement.on_conflict_do_update(index_elements=[sessions.c.id_hash], set_={
            "data": statement.excluded.data, "last_seen_at": now, "idle_expires_at": now + self.idle})
        with self.engine.begin() as conn:
            if getattr(session, "previous_hash", None):
                conn.execute(delete(sessions).where(sessions.c.id_hash == session.previous_hash))
                session.previous_hash = None
            conn.execute(statement)
        session.expires_at, session.last_seen_at, session.regenerated = expires_at, now, False
        session.modified = False
        session.persisted = True

    def save_session(self, app, session: ServerSession, response) -> None:
        from flask import request

        name = self.get_cookie_name(app)
        if not session and (session.modified or getattr(session, "previous_hash", None)):
            # cleared (signed out): the rows and the cookie go
            with self.engine.begin() as conn:
                for id_hash in {session.id_hash, getattr(session, "previous_hash", None)} - {None}:
                    conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))
            response.delete_cookie(name, path="/", httponly=True, samesite="Lax", secure=self._secure(request))
            return
        if session.modified:
            self.persist(session)
        elif session.sid and session.last_seen_at and _now() - session.last_seen_at > TOUCH_EVERY:
            now = _now()
            with self.engine.begin() as conn:  # still in use: push the idle expiry on, at most once a minute
                conn.execute(update(sessions).where(sessions.c.id_hash == session.id_hash)
                             .values(last_seen_at=now, idle_expires_at=now + self.idle))
            session.persisted = True
        if session.sid and getattr(session, "persisted", False):
            response.set_cookie(name, session.sid, max_age=int(self.lifetime.total_seconds()), path="/", httponly=True,
                                samesite="Lax", secure=self._secure(request))
