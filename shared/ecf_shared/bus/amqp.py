"""Connections to RabbitMQ (pika: we own the envelope, confirms and retries, so a plain client fits)."""
from __future__ import annotations

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
