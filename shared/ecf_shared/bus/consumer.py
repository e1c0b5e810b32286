"""The event consumer: idempotent handling, ack after commit, back-off retries, dead-lettering with a reason.

Per message:
1. decode and validate (envelope + contract). Undecodable or unknown → dead-letter queue, with the reason;
2. in one unit of work: claim the inbox row (a duplicate is acked as a no-op) and run the handler;
3. commit, then ack;
4. a handler error (a database error while the database answers included) → republish to the retry queue for
   this attempt's delay (TTL, then back to the main queue); after the last attempt → dead-letter queue with
   the error;
5. a dependency away (`RetryLater`) or the database not answering → the message waits in a retry queue without
   using an attempt, each wait longer than the last up to the longest retry delay, counted in
   `ecf_event_waits_total`. Waiting for a dependency ends after `max_wait_seconds` in the dead-letter queue with
   its reason; waiting for the database does not end (nothing can be handled without it).
Every republish is confirmed by the broker before the original is acked.

Connecting, reconnecting and consuming are kombu's (`ConsumerProducerMixin`: one connection to consume, another
to republish, so waiting for a confirm never dispatches the next delivery inside this one).
"""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from datetime import datetime, UTC
from collections.abc import Callable

import kombu
from kombu.mixins import ConsumerProducerMixin
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import InterfaceError, OperationalError

from ecf_shared import correlation
from ecf_shared.bus import amqp, inbox
from ecf_shared.bus.topology import declare_queue, retry_queue_spec
from ecf_shared.db import Database
from ecf_shared.events.envelope import DecodeError, Event, decode
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork

log = get_logger(__name__)
CONSUMED = Counter("ecf_events_consumed_total", "Events handled", ["consumer", "event_type", "outcome"])
HANDLE_SECONDS = Histogram("ecf_event_handle_seconds", "Time to handle one event", ["consumer", "event_type"])
WAITS = Counter("ecf_event_waits_total", "Events sent to wait in a retry queue without using an attempt",
                ["consumer", "cause"])


class RetryLater(Exception):
    """Raised by a handler when a dependency is down (not the message's fault): the message waits in a
    retry queue for about `delay` seconds and comes back, without using up one of its attempts."""

    def __init__(self, reason: str, delay: float = 30.0):
        super().__init__(reason)
        self.delay = delay


class RepublishFailed(ConnectionError):
    """The broker did not take a retry or dead letter. A ConnectionError, so kombu's consumer loop starts
    again on a new connection: the message, not acked, goes back to its queue."""


INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)  # database unreachable, deadlocks, timeouts
Handler = Callable[[UnitOfWork, Event], None]


RECONNECT = {"interval_start": 0.2, "interval_step": 1.0, "interval_max": 10.0}  # seconds between tries, for ever


class Stopping(Exception):
    """Raised inside kombu's reconnect wait once the worker is asked to stop."""


class Consumer(ConsumerProducerMixin):
    def __init__(self, db: Database, amqp_url: str, *, consumer: str, handlers: dict[str, Handler],
                 max_attempts: int = 5, retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0),
                 prefetch: int = 20, max_wait_seconds: float = 86400.0):
        if not retry_delays:
            raise ValueError("at least one retry delay is needed")
        self.db = db
        self.amqp_url = amqp_url
        self.consumer = consumer
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.retry_delays = tuple(sorted(retry_delays))
        self.prefetch = prefetch
        self.max_wait_seconds = max_wait_seconds
        self.connection = amqp.broker(amqp_url, name=f"consumer:{consumer}")  # a template: kombu clones it
        self._stop = threading.Event()
        self._republisher: kombu.Producer | None = None
        self._returned: list[str] = []

    # --- one message ----------------------------------------------------------------------
    def handle_message(self, message) -> str:
        headers = dict(message.headers or {})
        attempts = _count(headers.get(amqp.ATTEMPTS))
        # A retried message comes back through the default exchange; remember where it first came from.
        origin = {amqp.ORIGINAL_EXCHANGE: headers.get(amqp.ORIGINAL_EXCHANGE, message.delivery_info.get("exchange")),
                  amqp.ORIGINAL_ROUTING_KEY: headers.get(amqp.ORIGINAL_ROUTING_KEY,
                                                         message.delivery_info.get("routing_key"))}
        try:
            event = decode(message.body)
            if event.type not in self.handlers:
                raise DecodeError(f"{self.consumer} has no handler for {event.type}")
        except DecodeError as exc:
            return self._undecodable(message, origin, f"decode error: {exc}", attempts)

        correlation.bind(event.correlation_id)
        started = time.perf_counter()
        try:
            outcome = self._handle(event)
        except (RetryLater, *INFRASTRUCTURE_ERRORS) as exc:
            if isinstance(exc, RetryLater) or not self._database_answers():
                outcome = self._wait(message, event, origin, exc, attempts)
            else:  # the database answers: this message's handling fails, like any other handler error
                outcome = self._retry(message, event, origin, exc, attempts)
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
            outcome = self._retry(message, event, origin, exc, attempts)
        finally:
            HANDLE_SECONDS.labels(self.consumer, event.type).observe(time.perf_counter() - started)
            correlation.clear()
        message.ack()
        CONSUMED.labels(self.consumer, event.type, outcome).inc()
        return outcome

    def _handle(self, event: Event) -> str:
        with UnitOfWork(self.db, producer=self.consumer) as uow:
            if not inbox.claim(uow.session, self.consumer, event):
                return "duplicate"
            self.handlers[event.type](uow, event)
            uow.commit()
        return "handled"

    def _database_answers(self) -> bool:
        try:
            self.db.ping()
        except INFRASTRUCTURE_ERRORS:
            return False
        return True

    def _retry(self, message, event: Event, origin: dict, exc: Exception, attempts: int) -> str:
        attempts += 1
        reason = f"{type(exc).__name__}: {exc}"
        if attempts >= self.max_attempts:
            log.error("event_dead_lettered", event_id=event.event_id, event_type=event.type, attempts=attempts,
                      error=reason)
            self._dead_letter(message, origin, reason, attempts)
            return "dead_lettered"
        delay = self.retry_delays[min(attempts - 1, len(self.retry_delays) - 1)]
        log.warning("event_retry", event_id=event.event_id, event_type=event.type, attempts=attempts,
                    retry_in=delay, error=reason)
        self._republish(message, amqp.retry_queue(self.consumer, delay),
                        {**origin, amqp.ATTEMPTS: attempts, amqp.DLQ_REASON: reason[:1000]})
        return "retried"

    def _wait(self, message, event: Event, origin: dict, exc: Exception, attempts: int) -> str:
        """Not the message's fault: it waits and comes back, costing no attempt; each wait is longer than the
        last (up to the longest retry delay) and never shorter than the handler asked for."""
        cause = "dependency" if isinstance(exc, RetryLater) else "database"
        headers = dict(message.headers or {})
        waits, waited = _count(headers.get(amqp.WAITS)), _count(headers.get(amqp.WAITED_MS)) / 1000
        backoff = self.retry_delays[min(waits, len(self.retry_delays) - 1)]
        wanted = max(exc.delay, backoff) if isinstance(exc, RetryLater) else backoff
        delay = min((d for d in self.retry_delays if d >= wanted), default=self.retry_delays[-1])
        if cause == "dependency" and waited + delay > self.max_wait_seconds:
            reason = f"waited {waited:g}s ({waits} times), still: {exc}"
            log.error("event_dead_lettered", event_id=event.event_id, event_type=event.type, waits=waits, error=reason)
            self._dead_letter(message, origin, reason, attempts,
                              {amqp.WAITS: waits, amqp.WAITED_MS: round(waited * 1000)})
            return "dead_lettered"
        WAITS.labels(self.consumer, cause).inc()
        log.warning("event_waiting", event_id=event.event_id, event_type=event.type, cause=cause, waits=waits + 1,
                    retry_in=delay, reason=str(exc)[:300])
        self._republish(message, amqp.retry_queue(self.consumer, delay), {
            **origin, amqp.ATTEMPTS: attempts, amqp.WAITS: waits + 1, amqp.WAITED_MS: round((waited + delay) * 1000),
            amqp.DLQ_REASON: f"waiting: {exc}"[:1000]})
        return "waiting"

    def _undecodable(self, message, origin: dict, reason: str, attempts: int) -> str:
        self._dead_letter(message, origin, reason, attempts)
        message.ack()
        CONSUMED.labels(self.consumer, message.properties.get("type") or "unknown", "dead_lettered").inc()
        return "dead_lettered"

    def _dead_letter(self, message, origin: dict, reason: str, attempts: int, extra: dict | None = None) -> None:
        self._republish(message, amqp.dead_letter_queue(self.consumer), {
            **origin, **(extra or {}),
            amqp.DLQ_REASON: reason[:2000],
            amqp.ATTEMPTS: attempts,
            "x-ecf-dead-lettered-at": datetime.now(UTC).isoformat(),
        })

    def _republish(self, message, queue: str, extra_headers: dict) -> None:
        headers = dict(message.headers or {})
        headers.pop("compression", None)  # kombu hands us the body already decompressed
        headers.update(extra_headers)
        props = message.properties
        kept = {name: props[name] for name in ("message_id", "correlation_id", "type", "app_id") if props.get(name)}
        # Through the default exchange straight to the queue; confirmed before the original is acked.
        self._returned.clear()
        try:
            self.republisher.publish(
                message.body, exchange="", routing_key=queue, mandatory=True, delivery_mode=2, headers=headers,
                content_type=props.get("content_type") or "application/octet-stream",
                content_encoding=props.get("content_encoding") or "binary", **kept,
                retry=True, retry_policy=amqp.PUBLISH_RETRY, confirm_timeout=amqp.CONFIRM_TIMEOUT)
        except amqp.broker_errors(self.connection) as exc:
            raise RepublishFailed(f"could not republish to {queue}: {exc or type(exc).__name__}") from exc
        if self._returned:
            raise RepublishFailed(f"could not republish to {queue}: {self._returned[0]}")

    @property
    def producer_connection(self) -> kombu.Connection:
        if self._producer_connection is None:
            # Publishes only, so nothing here would read the broker's heartbeats: none asked for; a dead link
            # shows in TCP keep-alive and the confirm timeout.
            conn = self.connection.clone(heartbeat=0)
            conn.ensure_connection(self.on_connection_error, None, callback=self._unless_stopping, **RECONNECT)
            self._producer_connection = conn
        return self._producer_connection

    @property
    def republisher(self) -> kombu.Producer:
        if self._republisher is None:
            self._republisher = kombu.Producer(self.producer_connection, on_return=self._on_return)
        return self._republisher

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        self._returned.append(f"unroutable: {exc}")

    # --- kombu's consumer loop --------------------------------------------------------------
    def get_consumers(self, Consumer, channel):
        for delay in self.retry_delays:
            declare_queue(channel, retry_queue_spec(self.consumer, delay))
        # The main queue is the topology's (`ecf-bus declare`): until it exists, kombu tries again.
        return [Consumer(queues=[kombu.Queue(amqp.queue_name(self.consumer))], auto_declare=False,
                         on_message=self.handle_message, prefetch_count=self.prefetch)]

    def on_decode_error(self, message, exc) -> None:
        origin = {amqp.ORIGINAL_EXCHANGE: message.delivery_info.get("exchange"),
                  amqp.ORIGINAL_ROUTING_KEY: message.delivery_info.get("routing_key")}
        self._undecodable(message, origin, f"decode error: {exc}", _count((message.headers or {}).get(amqp.ATTEMPTS)))

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        log.info("consumer_started", consumer=self.consumer, handlers=sorted(self.handlers))

    def on_consume_end(self, connection, channel) -> None:
        self._republisher = None
        super().on_consume_end(connection, channel)

    def on_connection_error(self, exc, interval) -> None:
        log.warning("consumer_connection_lost", consumer=self.consumer, error=str(exc) or type(exc).__name__,
                    retry_in=interval)

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, None, callback=self._unless_stopping, **RECONNECT)
            yield conn

    def _unless_stopping(self) -> None:
        if self._stop.is_set():
            raise Stopping()

    @property
    def should_stop(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def consuming(self):
        """Connected and consuming, for as long as the block runs: yields kombu's (connection, channel); the
        caller drains events (tests step a consumer this way)."""
        with self.consumer_context() as (connection, channel, _consumers):
            yield connection, channel

    # --- running --------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event) -> None:
        self._stop = stop
        try:
            self.run()
        except Stopping:
            pass


def _count(value) -> int:
    """A count from a header a stranger may have written: anything but a small non-negative number is 0."""
    try:
        return max(0, min(int(value or 0), 10**12))
    except (TypeError, ValueError):
        return 0


def dead_letters(channel, consumer: str, limit: int = 100) -> list[dict]:
    """Read (and requeue) what sits in a consumer's dead-letter queue, on a plain (pika) channel: for tests and ops."""
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
