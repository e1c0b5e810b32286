"""Every service's command line: `python -m <pkg> migrate | web | worker | relay | <extra>`."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from ecf_shared import logging as ecf_logging
from ecf_shared.bus.consumer import Consumer, Handler
from ecf_shared.bus.relay import OutboxRelay
from ecf_shared.db import Database
from ecf_shared.settings import MissingSecrets, Settings

log = ecf_logging.get_logger(__name__)


@dataclass
class ServiceDefinition:
    name: str  # the service's name in events and queues, e.g. "trs-sync"
    package: str  # the Python package, e.g. "trs_sync"
    settings_cls: type[Settings]
    migrations: Path
    handlers: Callable[[Settings, Database], dict[str, Handler]] | None = None
    commands: dict[str, Callable[[Settings, list[str]], int]] = field(default_factory=dict)
    # Commands that run while installing (like migrate) and so need no secret.
    commands_without_secrets: frozenset[str] = frozenset()
    # Periodic jobs the worker runs beside its consumer: (name, object with run_forever(stop)) pairs.
    background: Callable[[Settings, Database], list[tuple[str, object]]] | None = None
    outbox: bool = True  # False for a service that publishes no events (the portal): its worker runs no relay

    def settings(self) -> Settings:
        return self.settings_cls.from_env(service_name=self.name)

    def database(self, settings: Settings) -> Database:
        return Database(settings.database_url, settings.db_schema)


def migrate(defn: ServiceDefinition, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from ecf_shared.migrations import upgrade

    try:
        upgrade(settings.database_url, settings.db_schema, defn.migrations)
    except OperationalError as exc:
        print(f"{defn.name}: cannot reach PostgreSQL at {settings.database_url}: {exc.orig}\n"
              "Start PostgreSQL or set DATABASE_URL.", file=sys.stderr)
        return 1
    print(f"{defn.name}: schema {settings.db_schema} migrated to head")
    return 0


def web(defn: ServiceDefinition, settings: Settings) -> int:
    env = dict(os.environ)
    env.setdefault("PORT", str(settings.port))
    env.setdefault("WEB_CONCURRENCY", str(settings.web_concurrency))
    if "PROMETHEUS_MULTIPROC_DIR" not in env:
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=f"prom-{defn.package}-")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    os.execve(gunicorn, [gunicorn, "--config", "python:ecf_shared.web.gunicorn_conf", f"{defn.package}.app:from_env()"], env)
    return 0  # not reached


def build_workers(defn: ServiceDefinition, settings: Settings, *, consume: bool = True, relay: bool = True):
    db = defn.database(settings)
    runners = []
    if relay and defn.outbox:
        runners.append(("relay", OutboxRelay(db, settings.amqp_url, batch_size=settings.relay_batch_size,
                                             poll_seconds=settings.relay_poll_seconds)))
    if consume and defn.handlers is not None:
        handlers = defn.handlers(settings, db)
        if handlers:
            runners.append(("consumer", Consumer(db, settings.amqp_url, consumer=defn.name, handlers=handlers,
                                                 max_attempts=settings.consumer_max_attempts,
                                                 retry_delays=settings.consumer_retry_delays,
                                                 prefetch=settings.consumer_prefetch,
                                                 max_wait_seconds=settings.consumer_max_wait_seconds)))
    if consume and defn.background is not None:
        runners.extend(defn.background(settings, db))
    return runners


def run_workers(runners, stop: threading.Event, *, grace_seconds: float = 10.0) -> int:
    """Run each runner's `run_forever(stop)` in its own thread until `stop` is set. A thread that an exception
    escapes stops the others and makes the worker answer 1: its process exits and its supervisor starts it
    again, rather than a worker that looks alive and does nothing."""
    died: list[str] = []

    def run(name: str, runner) -> None:
        try:
            runner.run_forever(stop)
        except BaseException as exc:  # noqa: BLE001 - reported, then the whole worker stops
            log.critical("worker_thread_died", thread=name, error=f"{type(exc).__name__}: {exc}", exc_info=True)
            died.append(name)
            stop.set()

    threads = [threading.Thread(target=run, args=(name, r), name=name, daemon=True) for name, r in runners]
    for t in threads:
        t.start()
    while not stop.wait(0.5) and any(t.is_alive() for t in threads):
        pass
    deadline = time.monotonic() + grace_seconds
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    return 1 if died else 0


def worker(defn: ServiceDefinition, settings: Settings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"{defn.package} worker")
    parser.add_argument("--no-relay", action="store_true", help="run the consumer only (relay runs separately)")
    parser.add_argument("--relay-only", action="store_true", help="run the outbox relay only")
    args = parser.parse_args(argv)
    if os.environ.get("METRICS_PORT"):
        from prometheus_client import start_http_server

        start_http_server(int(os.environ["METRICS_PORT"]))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    runners = build_workers(defn, settings, consume=not args.relay_only, relay=not args.no_relay)
    return run_workers(runners, stop)


def main(defn: ServiceDefinition, argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ["migrate", "web", "worker", "relay", *defn.commands]
    if not argv or argv[0] not in commands:
        print(f"usage: python -m {defn.package} {{{','.join(commands)}}} [options]", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    settings = defn.settings()
    ecf_logging.configure(f"{defn.name}-{command}", settings.log_level, settings.log_format)
    if command == "migrate":  # the schema needs no secret
        return migrate(defn, settings)
    if command in defn.commands_without_secrets:
        return defn.commands[command](settings, rest)
    try:
        settings.check_secrets()
    except MissingSecrets as exc:
        print(exc, file=sys.stderr)
        return 2
    if command == "web":
        return web(defn, settings)
    if command == "worker":
        return worker(defn, settings, rest)
    if command == "relay":
        return worker(defn, settings, ["--relay-only", *rest])
    return defn.commands[command](settings, rest)
