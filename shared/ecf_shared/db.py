"""PostgreSQL access: one engine per process, the service's own schema first on the search path."""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import create_engine, text
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


class Database:
    """Creating it connects to nothing; the engine connects on first use."""

    def __init__(self, url: str, schema: str, *, pool_size: int = 5, max_overflow: int = 10, pre_ping: bool = True):
        self.url = url
        self.schema = schema
        self._pool_size = pool_size
        self._max_overflow = max_overflow
        # A round trip before every checkout. Web requests want it (a connection broken by a PostgreSQL restart
        # would otherwise fail one request); workers do without: a message that meets a broken connection waits
        # in a retry queue, the pool is invalidated, and the next attempt reconnects.
        self._pre_ping = pre_ping

    @cached_property
    def engine(self) -> Engine:
        return create_engine(
            sqlalchemy_url(self.url),
            pool_size=self._pool_size,
            max_overflow=self._max_overflow,
            pool_pre_ping=self._pre_ping,
            connect_args={"options": f"-csearch_path={self.schema},public", "connect_timeout": 5},
        )

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


def lock_until_commit(session, key: str, *, shared: bool = False) -> None:
    """Take a transaction-scoped advisory lock on `key` (any string): concurrent transactions asking for the same
    key wait here until this one commits or rolls back (`shared` holders wait only for an exclusive one). For "find
    or create" of a row keyed by a natural id that two paths (a request and an event handler) may create at once."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.execute(text(f"select {function}(hashtextextended(:key, 0))"), {"key": key})
