"""pytest fixtures for real PostgreSQL and RabbitMQ.

`DATABASE_URL` / `AMQP_URL` name servers when set; otherwise testcontainers starts them. Each test
session gets its own database(s) and vhost(s), so runs never see each other's data.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from ecf_shared.testing.tokens import TokenIssuer


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _with_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), parts.query, parts.fragment))


@pytest.fixture(scope="session")
def database_server_url():
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15", driver=None) as pg:
        yield pg.get_connection_url()


class _Rabbit:
    def __init__(self, url: str, container=None):
        self.url = url
        self.container = container

    def ctl(self, *args: str) -> None:
        if self.container is not None:
            code, out = self.container.exec(["rabbitmqctl", *args])
            if code != 0:
                raise RuntimeError(out)
            return
        if shutil.which("rabbitmqctl") and urlsplit(self.url).hostname in ("127.0.0.1", "localhost", "::1"):
            subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True)
            return
        import requests

        parts = urlsplit(self.url)
        api = f"http://{parts.hostname}:15672/api"
        auth = (parts.username or "guest", parts.password or "guest")
        if args[0] == "add_vhost":
            requests.put(f"{api}/vhosts/{quote(args[1], safe='')}", auth=auth, timeout=10).raise_for_status()
        elif args[0] == "delete_vhost":
            requests.delete(f"{api}/vhosts/{quote(args[1], safe='')}", auth=auth, timeout=10)
        elif args[0] == "set_permissions":
            vhost, user = args[2], args[3]
            requests.put(f"{api}/permissions/{quote(vhost, safe='')}/{user}", json={"configure": ".*", "write": ".*", "read": ".*"},
                         auth=auth, timeout=10).raise_for_status()


@pytest.fixture(scope="session")
def rabbit():
    url = os.environ.get("AMQP_URL")
    if url:
        yield _Rabbit(url)
        return
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.10-management") as rmq:
        params = rmq.get_connection_params()
        yield _Rabbit(f"amqp://guest:guest@{params.host}:{params.port}/%2F", container=rmq)


@pytest.fixture(scope="session")
def amqp_server_url(rabbit):
    return rabbit.url


@pytest.fixture(scope="session")
def make_database(database_server_url):
    """Factory: a fresh, empty database on the test server; dropped when the session ends."""
    import psycopg

    from ecf_shared.db import libpq_url

    created = []
    admin_url = libpq_url(database_server_url)

    def make(prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}".replace("-", "_")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return _with_database(database_server_url, name)

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def make_vhost(rabbit):
    """Factory: a fresh vhost on the test broker; deleted when the session ends."""
    created = []
    user = urlsplit(rabbit.url).username or "guest"

    def make(prefix: str = "t") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        rabbit.ctl("add_vhost", name)
        rabbit.ctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        created.append(name)
        return _with_vhost(rabbit.url, name)

    yield make
    for name in created:
        try:
            rabbit.ctl("delete_vhost", name)
        except Exception:  # noqa: BLE001 - best effort clean-up
            pass


@pytest.fixture(scope="session")
def token_issuer():
    return TokenIssuer()


@pytest.fixture(scope="session")
def notify_standin():
    """The GOV.UK Notify stand-in on a loopback port for the whole session (reset it in your own fixture)."""
    from ecf_shared.testing.notify import NotifyStandIn

    standin = NotifyStandIn()
    yield standin
    standin.close()
