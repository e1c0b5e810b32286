"""Connections to RabbitMQ and the names the bus gives its queues and headers.

The bus (relay and consumers) runs on kombu over the pyamqp transport, with publisher confirms: kombu owns
connecting, reconnecting and retrying a publish (`PUBLISH_RETRY`). `connect` opens a plain pika connection for
tools, tests and the ready check, where a blocking client that just answers is all that is wanted.
"""
from __future__ import annotations

import kombu
import pika

DLQ_REASON = "x-ecf-dead-letter-reason"
ATTEMPTS = "x-ecf-attempts"
WAITS = "x-ecf-waits"
WAITED_MS = "x-ecf-waited-ms"  # whole milliseconds: pika, which tools use, reads a double as an int
ORIGINAL_ROUTING_KEY = "x-ecf-original-routing-key"
ORIGINAL_EXCHANGE = "x-ecf-original-exchange"

# A publish that meets a lost connection reconnects and publishes again a few times (a duplicate is dropped by
# the consumers' inboxes), then gives up to its caller, which keeps the event for its next round.
PUBLISH_RETRY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0}
CONFIRM_TIMEOUT = 10.0  # seconds to wait for the broker to confirm one publish


def broker(url: str, *, name: str, heartbeat: int = 30) -> kombu.Connection:
    """A kombu connection (not yet open) whose channels confirm every publish."""
    return kombu.Connection(url, heartbeat=heartbeat, connect_timeout=5, transport_options={
        "confirm_publish": True, "client_properties": {"connection_name": name}})


def broker_errors(connection: kombu.Connection) -> tuple[type[BaseException], ...]:
    """What a broker that went away or refused an operation raises, once kombu has stopped retrying."""
    from amqp.exceptions import MessageNacked

    return (kombu.exceptions.KombuError, MessageNacked, *connection.connection_errors, *connection.channel_errors)


def connect(url: str, *, name: str = "ecf") -> pika.BlockingConnection:
    params = pika.URLParameters(url)
    params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.client_properties = {"connection_name": name}
    return pika.BlockingConnection(params)


def queue_name(consumer: str) -> str:
    return consumer


def dead_letter_exchange(consumer: str) -> str:
    return f"{consumer}.dlx"


def dead_letter_queue(consumer: str) -> str:
    return f"{consumer}.dlq"


def retry_queue(consumer: str, delay_seconds: float) -> str:
    return f"{consumer}.retry.{int(round(delay_seconds * 1000))}ms"


def release_quietly(connection: kombu.Connection | None) -> None:
    if connection is not None:
        try:
            connection.release()
        except Exception:  # noqa: BLE001 - closing a connection that already broke: nothing left to do
            pass
