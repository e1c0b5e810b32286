"""Connections to RabbitMQ (pika: we own the envelope, confirms and retries, so a plain client fits)."""
from __future__ import annotations

import time

import pika

DLQ_REASON = "x-ecf-dead-letter-reason"
ATTEMPTS = "x-ecf-attempts"
ORIGINAL_ROUTING_KEY = "x-ecf-original-routing-key"
ORIGINAL_EXCHANGE = "x-ecf-original-exchange"


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


def close_quietly(connection) -> None:
    try:
        if connection is not None and connection.is_open:
            connection.close()
    except pika.exceptions.AMQPError:
        pass


def keep_running(run_once, stop, recoverable: tuple[type[BaseException], ...], log, event: str) -> None:
    """Run `run_once(stop)` until `stop` is set, reconnecting with capped exponential back-off after
    recoverable failures (broker or database away); the back-off resets once a run got going."""
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
