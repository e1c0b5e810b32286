"""PostgreSQL access: one engine per process, the service's own schema first on the search path."""
from __future__ import annotations

import time
from functools import cached_property

from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker


def sqlalchemy_url(url: str) -> str:
    """Accept plain postgresql:// URLs (as ops write them) and use the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def libpq_url(url: str) -> str:
    return "postgresql://" + sqlalchemy_url(url)[len("postgresql+psycopg://"):]


def _ping_connections_that_sat_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection with a round trip before use only when it has sat idle for a while (a restart or
    an idle timeout may have closed it), not on every checkout as pool_pre_ping does: under load that round trip
    was a quarter of a simple read's time. A connection broken while in steady use fails its one request or
    message (503, or a retry queue); the pool then drops every connection and the next use reconnects."""

    @event.listens_for(engine, "checkin")
    def _note_idle_since(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < idle_seconds:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("select 1")
            dbapi_connection.rollback()  # leave no transaction open: the caller's starts now
        except Exception as broken:
            raise exc.DisconnectionError() from broken  # the pool replaces this connection and tries again


class Database:
    """Creating it connects to nothing; the engine connects on first use."""

    def __init__(self, url: str, schema: str, *, pool_size: int = 5, max_overflow: int = 10,
                 ping_after_idle_seconds: float = 10.0):
        self.url = url
        self.schema = schema
        self._pool_size = pool_size
        self._max_overflow = max_overflow
        self._ping_after_idle = ping_after_idle_seconds

    @cached_property
    def engine(self) -> Engine:
        engine = create_engine(
            sqlalchemy_url(self.url),
            pool_size=self._pool_size,
            max_overflow=self._max_overflow,
            connect_args={"options": f"-csearch_path={self.schema},public", "connect_timeout": 5},
        )
        _ping_connections_that_sat_idle(engine, self._ping_after_idle)
        return engine

    @cached_property
    def session_factory(self) -> sessionmaker:
        return sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=True)

    @property
    def notify_channel(self) -> str:
        return f"outbox_{self.schema}"

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("select 1"))

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def work_on_notify(db: Database, channel: str, work, stop, poll_seconds: float, *, started=None) -> None:
    """LISTEN on `channel`, then until `stop` is set: call `work()` until it answers 0 (nothing left), and wait for
    a NOTIFY on the channel or `poll_seconds`, whichever comes first. For a worker that the writing transaction
    wakes on commit (`pg_notify` is transactional) and that polls as a fallback."""
    import psycopg

    with psycopg.connect(libpq_url(db.url), autocommit=True, connect_timeout=5) as listener:
        listener.execute(f'LISTEN "{channel}"')
        if started is not None:
            started()
        while not stop.is_set():
            while work() and not stop.is_set():
                pass
            for _ in listener.notifies(timeout=poll_seconds, stop_after=1):
                pass


def keep_running(run_once, stop, recoverable: tuple[type[BaseException], ...], log, event: str) -> None:
    """Run `run_once(stop)` until `stop` is set, starting it again with capped exponential back-off after a
    recoverable failure (the database away); the back-off resets once a run got going. Anything else escapes."""
    backoff = 0.2
    while not stop.is_set():
        started = time.monotonic()
        try:
            run_once(stop)
        except recoverable as exc:
            if time.monotonic() - started > 30:
                backoff = 0.2
            log.warning(event, error=str(exc) or type(exc).__name__, retry_in=backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)

def lock_until_commit(session, key: str, *, shared: bool = False) -> None:
    """Take a transaction-scoped advisory lock on `key` (any string): concurrent transactions asking for the same
    key wait here until this one commits or rolls back (`shared` holders wait only for an exclusive one). For "find
    or create" of a row keyed by a natural id that two paths (a request and an event handler) may create at once."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"select {function}(hashtextextended(:key, 0))"), {"key": key})


def contains_pattern(text: str) -> str:
    """A LIKE/ILIKE pattern matching `text` anywhere, its own %, _ and backslashes taken literally (use with
    escape="\\")."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
