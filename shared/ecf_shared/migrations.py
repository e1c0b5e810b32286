"""Alembic per service: its own schema, its own version table, migrations inside the service package."""
from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, pool, text

from ecf_shared.db import lock_until_commit, sqlalchemy_url


def alembic_config(database_url: str, schema: str, script_location: str | Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["schema"] = schema
    return cfg


def upgrade(database_url: str, schema: str, script_location: str | Path, revision: str = "head") -> None:
    engine = create_engine(sqlalchemy_url(database_url), poolclass=pool.NullPool)
    with engine.begin() as conn:
        # Several services' migrate jobs may start together on a new database; CREATE EXTENSION
        # IF NOT EXISTS is not safe under concurrency, so they take turns.
        lock_until_commit(conn, "ecf-migrations-bootstrap")
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(database_url, schema, script_location), revision)


def run_env() -> None:
    """The body of every service's migrations/env.py (online mode only)."""
    cfg = context.config
    schema = cfg.attributes["schema"]
    engine = create_engine(
        sqlalchemy_url(cfg.attributes["database_url"]), poolclass=pool.NullPool,
        connect_args={"options": f"-csearch_path={schema},public"},
    )
    with engine.connect() as connection:
        context.configure(connection=connection, version_table="alembic_version", version_table_schema=schema,
                          transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
