"""Plain psycopg connections for lp-api's hot statements: each request's database work is one prepared
statement in autocommit, so one round trip, with no pool pre-ping, BEGIN or COMMIT around it.

Two sets of connections: `generic` ones plan each prepared statement once (`plan_cache_mode =
force_generic_plan`) for statements where one plan fits every value (keyset seeks on the (lead provider,
sort column, id) indexes), since planning again on every request would cost more than running them;
`custom` ones plan for the values at hand (`force_custom_plan`), for statements whose best index depends
on them (an updated_since filter under another sort). PostgreSQL's own choice (`auto`) keeps planning
these statements anew: with LIMIT and OFFSET as parameters the generic plan's estimate looks worse.
A connection that broke (PostgreSQL restarted, idle timeout) is dropped and the statement retried once
on a new one.
"""
from __future__ import annotations

import os
import threading

import psycopg
import sqlalchemy.exc
from psycopg.pq import TransactionStatus

from ecf_shared.db import libpq_url


# Kept open per process and kind: gunicorn's default threads per worker (WEB_THREADS), the most a worker uses at once.
MAX_IDLE = 4


class StatementConnections:
    def __init__(self, url: str, schema: str, *, plans: str = "generic", max_idle: int = MAX_IDLE,
                 connect_timeout: int = 5):
        if plans not in ("generic", "custom"):
            raise ValueError(plans)
        self._conninfo = libpq_url(url)
        self._options = f"-csearch_path={schema},public -cplan_cache_mode=force_{plans}_plan"
        self._connect_timeout = connect_timeout
        self._max_idle = max_idle
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def fetch_one(self, sql: str, params: dict) -> tuple | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    def fetch_all(self, sql: str, params: dict) -> list[tuple]:
        """Runs one statement; its rows, in binary (bytea arrives as bytes). When PostgreSQL cannot be reached,
        SQLAlchemy's OperationalError, which the platform answers with a 503 as for every other query."""
        for attempt in (1, 2):
            connection = None
            try:
                connection = self._take()
                rows = connection.execute(sql, params, prepare=True, binary=True).fetchall()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                if connection is not None:
                    connection.close()  # broken or cancelled: never reused
                if attempt == 2:
                    raise sqlalchemy.exc.OperationalError(sql.split("\n", 1)[0][:100], None, exc) from exc
                continue
            except BaseException:
                self._give_back(connection)
                raise
            self._give_back(connection)
            return rows
        raise AssertionError("not reached")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _take(self) -> psycopg.Connection:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's sockets are not ours to use
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                connection = self._idle.pop()
                if not connection.closed:
                    return connection
        return psycopg.connect(self._conninfo, autocommit=True, options=self._options, client_encoding="UTF8",
                               connect_timeout=self._connect_timeout)

    def _give_back(self, connection: psycopg.Connection) -> None:
        if connection.closed or connection.info.transaction_status != TransactionStatus.IDLE:
            connection.close()
            return
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        connection.close()


def statement_connections(ctx, plans: str = "generic") -> StatementConnections:
    """The service context's connections of that kind (made on first use, in the worker process)."""
    key = f"statement_connections_{plans}"
    connections = ctx.extras.get(key)
    if connections is None:
        connections = ctx.extras.setdefault(key, StatementConnections(ctx.db.url, ctx.db.schema, plans=plans))
    return connections
