"""The event consumer: idempotent handling, ack after commit, back-off retries, dead-lettering with a reason.

Per message:
1. decode and validate (envelope + contract). Undecodable or unknown → dead-letter queue, with the reason;
2. in one unit of work: claim the inbox row (a duplicate is acked as a no-op) and run the handler;
3. commit, then ack;
4. a handler error → republish to the retry queue for this attempt's delay (TTL, then back to the
   main queue); after the last attempt → dead-letter queue with the error. Only then is it acked.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from typing import Callable

import pika
from pika.exceptions import AMQPError
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import InterfaceError, OperationalError

from ecf_shared import correlation
from ecf_shared.bus import amqp, inbox
from ecf_shared.bus.topology import retry_queue_spec
from ecf_shared.db import Database
from ecf_shared.events.envelope import DecodeError, Event, decode
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork

log = get_logger(__name__)
CONSUMED = Counter("ecf_events_consumed_total", "Events handled", ["consumer", "event_type", "outcome"])
HANDLE_SECONDS = Histogram("ecf_event_handle_seconds", "Time to handle one event", ["consumer", "event_type"])

class RetryLater(Exception):
    """Raised by a handler when a dependency is down (not the message's fault): the message waits in a
    retry queue for about `delay` seconds and comes back, without using up one of its attempts."""

    def __init__(self, reason: str, delay: float = 30.0):
        super().__init__(reason)
        self.delay = delay


INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)  # database unreachable, deadlocks
Handler = Callable[[UnitOfWork, Event], None]


class Consumer:
    def __init__(self, db: Database, amqp_url: str, *, consumer: str, handlers: dict[str, Handler],
                 max_attempts: int = 5, retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0),
                 prefetch: int = 20):
        if not retry_delays:
            raise ValueError("at least one retry delay is needed")
        self.db = db
        self.amqp_url = amqp_url
        self.consumer = consumer
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.retry_delays = retry_delays
        self.prefetch = prefetch
        self._connection = None
        self._channel = None

    # --- one message ----------------------------------------------------------------------
    def handle_delivery(self, channel, method, properties, body: bytes) -> str:
        headers = dict(properties.headers or {})
        attempts = int(headers.get(amqp.ATTEMPTS, 0))
        # A retried message comes back through the default exchange; remember where it first came from.
        origin = {amqp.ORIGINAL_EXCHANGE: headers.get(amqp.ORIGINAL_EXCHANGE, method.exchange),
                  amqp.ORIGINAL_ROUTING_KEY: headers.get(amqp.ORIGINAL_ROUTING_KEY, method.routing_key)}
        try:
            event = decode(body)
            if event.type not in self.handlers:
                raise DecodeError(f"{self.consumer} has no handler for {event.type}")
        except DecodeError as exc:
            self._dead_letter(channel, origin, properties, body, f"decode error: {exc}", attempts)
            channel.basic_ack(method.delivery_tag)
            CONSUMED.labels(self.consumer, properties.type or "unknown", "dead_lettered").inc()
            return "dead_lettered"

        correlation.bind(event.correlation_id)
        started = time.perf_counter()
        try:
            outcome = self._handle(event)
        except (RetryLater, *INFRASTRUCTURE_ERRORS) as exc:
            # Not the message's fault (a dependency or the database is away): it waits in a retry queue
            # and comes back, costing no attempt, for as long as that takes.
            wanted = exc.delay if isinstance(exc, RetryLater) else 5.0
            delay = min((d for d in self.retry_delays if d >= wanted), default=max(self.retry_delays))
            log.warning("event_waiting", event_id=event.event_id, event_type=event.type, retry_in=delay,
                        reason=str(exc)[:300])
            self._republish(channel, amqp.retry_queue(self.consumer, delay), properties, body,
                            {**origin, amqp.ATTEMPTS: attempts, amqp.DLQ_REASON: f"waiting: {exc}"[:1000]})
            outcome = "waiting"
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
            attempts += 1
            reason = f"{type(exc).__name__}: {exc}"
            if attempts >= self.max_attempts:
                log.error("event_dead_lettered", event_id=event.event_id, event_type=event.type, attempts=attempts, error=reason)
                self._dead_letter(channel, origin, properties, body, reason, attempts)
                outcome = "dead_lettered"
            else:
                delay = self.retry_delays[min(attempts - 1, len(self.retry_delays) - 1)]
                log.warning("event_retry", event_id=event.event_id, event_type=event.type, attempts=attempts,
                            retry_in=delay, error=reason)
                self._republish(channel, amqp.retry_queue(self.consumer, delay), properties, body,
                                {**origin, amqp.ATTEMPTS: attempts, amqp.DLQ_REASON: reason[:1000]})
                outcome = "retried"
        finally:
            HANDLE_SECONDS.labels(self.consumer, event.type).observe(time.perf_counter() - started)
            correlation.clear()
        channel.basic_ack(method.delivery_tag)
        CONSUMED.labels(self.consumer, event.type, outcome).inc()
        return outcome

    def _handle(self, event: Event) -> str:
        with UnitOfWork(self.db, producer=self.consumer) as uow:
            if not inbox.claim(uow.session, self.consumer, event):
                return "duplicate"
            self.handlers[event.type](uow, event)
            uow.commit()
        return "handled"

    def _dead_letter(self, channel, origin: dict, properties, body, reason: str, attempts: int) -> None:
        self._republish(channel, amqp.dead_letter_queue(self.consumer), properties, body, {
            **origin,
            amqp.DLQ_REASON: reason[:2000],
            amqp.ATTEMPTS: attempts,
            "x-ecf-dead-lettered-at": datetime.now(timezone.utc).isoformat(),
        })

    @staticmethod
    def _republish(channel, queue: str, properties, body: bytes, extra_headers: dict) -> None:
        headers = dict(properties.headers or {})
        headers.update(extra_headers)
        props = pika.BasicProperties(
            message_id=properties.message_id, correlation_id=properties.correlation_id, type=properties.type,
            content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
            app_id=properties.app_id, headers=headers,
        )
        # Through the default exchange straight to the queue; confirmed before the original is acked.
        channel.basic_publish("", queue, body, props, mandatory=True)

    # --- running --------------------------------------------------------------------------
    def connect(self):
        self._connection = amqp.connect(self.amqp_url, name=f"consumer:{self.consumer}")
        channel = self._connection.channel()
        channel.confirm_delivery()
        channel.basic_qos(prefetch_count=self.prefetch)
        for delay in self.retry_delays:
            spec = retry_queue_spec(self.consumer, delay)
            channel.queue_declare(queue=spec["name"], durable=True, arguments=spec["arguments"])
        channel.basic_consume(amqp.queue_name(self.consumer), self._on_message)
        self._channel = channel
        return channel

    def _on_message(self, channel, method, properties, body):
        self.handle_delivery(channel, method, properties, body)

    def _run(self, stop: threading.Event) -> None:
        try:
            self.connect()
            log.info("consumer_started", consumer=self.consumer, handlers=sorted(self.handlers))
            while not stop.is_set():
                self._connection.process_data_events(time_limit=0.5)
        finally:
            self.close()

    def run_forever(self, stop: threading.Event) -> None:
        amqp.keep_running(self._run, stop, (AMQPError, OSError), log, "consumer_connection_lost")

    def close(self) -> None:
        amqp.close_quietly(self._connection)
        self._connection = None


def dead_letters(channel, consumer: str, limit: int = 100) -> list[dict]:
    """Read (and requeue) what sits in a consumer's dead-letter queue: for tests and ops."""
    found, tags = [], []
    for _ in range(limit):
        method, props, body = channel.basic_get(amqp.dead_letter_queue(consumer), auto_ack=False)
        if method is None:
            break
        tags.append(method.delivery_tag)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        found.append({"headers": dict(props.headers or {}), "body": body, "json": parsed})
    for tag in tags:
        channel.basic_nack(tag, requeue=True)
    return found
