"""Helpers for integration tests: run a service's relay and consumer in-process, briefly and boundedly."""
from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import text

from ecf_shared.bus import amqp, topology
from ecf_shared.bus.consumer import Consumer
from ecf_shared.bus.relay import OutboxRelay
from ecf_shared.db import Database


def declare_topology(amqp_url: str, retry_delays=(0.05, 0.1)) -> None:
    with amqp.broker(amqp_url, name="test-topology") as connection:
        topology.declare(connection.default_channel, topology.build(tuple(retry_delays)))


def _poll(connection, seconds: float) -> None:
    try:
        connection.drain_events(timeout=seconds)
    except TimeoutError:
        pass


def run_consumer_until(consumer: Consumer, done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Process deliveries until `done()` holds; fails the test when it does not within `timeout`."""
    with consumer.consuming() as (connection, _channel):
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"consumer {consumer.consumer} did not reach the expected state in {timeout}s")
            _poll(connection, 0.05)


def drain(consumer: Consumer, quiet_seconds: float = 0.3, timeout: float = 10.0) -> None:
    """Process deliveries until the queue and the consumer's retry queues stay empty for `quiet_seconds` (a message
    waiting in a retry queue is not done: under load its wait and the next attempt can outlast the quiet time)."""
    queues = [consumer.consumer, *(amqp.retry_queue(consumer.consumer, d) for d in consumer.retry_delays)]
    with consumer.consuming() as (connection, channel):
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            before = sum(_depth(channel, q) for q in queues)
            _poll(connection, 0.05)
            if before == 0 and sum(_depth(channel, q) for q in queues) == 0:
                if time.monotonic() - quiet_since >= quiet_seconds:
                    return
            else:
                quiet_since = time.monotonic()


def _depth(channel, queue: str) -> int:
    return channel.queue_declare(queue=queue, passive=True).message_count


def publish_all(db: Database, amqp_url: str) -> int:
    relay = OutboxRelay(db, amqp_url)
    try:
        total = 0
        while n := relay.publish_pending():
            total += n
        return total
    finally:
        relay.close()


def truncate_all(db: Database) -> None:
    with db.engine.begin() as conn:
        tables = conn.execute(text(
            "select tablename from pg_tables where schemaname = :s and tablename <> 'alembic_version'"),
            {"s": db.schema}).scalars().all()
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{db.schema}"."{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


def queue_depth(amqp_url: str, queue: str) -> int:
    with amqp.connect(amqp_url, name="test-depth") as connection:
        return connection.channel().queue_declare(queue=queue, passive=True).method.message_count
