"""Pooled connections broken behind the pool's back (a PostgreSQL restart, an idle timeout)."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ecf_shared.db import Database


def kill_backends(db: Database) -> None:
    """Close every other connection to this database, as a PostgreSQL restart would."""
    with db.engine.connect() as conn:
        conn.execute(text("select pg_terminate_backend(pid) from pg_stat_activity "
                          "where datname = current_database() and pid <> pg_backend_pid()"))
        conn.commit()


def backend_pid(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("select pg_backend_pid()")).scalar_one()


def test_a_connection_that_sat_idle_is_checked_first_so_its_user_never_sees_it_broken(make_database):
    db = Database(make_database("ping"), "public", pool_size=1, max_overflow=0, ping_after_idle_seconds=0)
    first = backend_pid(db)
    killer = Database(db.url, "public")
    kill_backends(killer)
    assert backend_pid(db) != first  # replaced by the ping, transparently
    killer.dispose()
    db.dispose()


def test_a_connection_in_steady_use_is_not_pinged_and_a_break_fails_one_use_only(make_database):
    db = Database(make_database("ping"), "public", pool_size=1, max_overflow=0, ping_after_idle_seconds=3600)
    backend_pid(db)
    killer = Database(db.url, "public")
    kill_backends(killer)
    with pytest.raises(OperationalError):
        backend_pid(db)
    assert backend_pid(db)  # the pool reconnected
    killer.dispose()
    db.dispose()
