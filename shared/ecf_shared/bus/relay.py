"""The outbox relay: publishes committed events with confirms, then marks them sent.

Several relays may run at once: each batch is locked with FOR UPDATE SKIP LOCKED. A relay that dies
between publish and mark-sent leaves its rows unsent, so they are published again and the
consumers' inboxes drop the duplicates.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import kombu
import psycopg
from amqp.exceptions import MessageNacked
from prometheus_client import Counter
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ecf_shared import contracts
from ecf_shared.bus import amqp
from ecf_shared.bus.tables import outbox
from ecf_shared.db import Database, keep_running, work_on_notify
from ecf_shared.logging import get_logger

log = get_logger(__name__)
PUBLISHED = Counter("ecf_outbox_published_total", "Events published from the outbox", ["event_type"])
FAILED = Counter("ecf_outbox_publish_failures_total", "Outbox publish failures", ["reason"])


class PublishFailed(Exception):
    pass


class OutboxRelay:
    def __init__(self, db: Database, amqp_url: str, *, batch_size: int = 200, poll_seconds: float = 0.5,
                 after_publish: Callable[[dict], None] | None = None):
        self.db = db
        self.amqp_url = amqp_url
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._after_publish = after_publish  # fault-injection hook for tests
        # Publishes only, so nothing would read the broker's heartbeats: none asked for; a dead link shows in
        # TCP keep-alive and the confirm timeout. kombu connects on the first publish and again after a loss.
        self._connection = amqp.broker(amqp_url, name=f"relay:{db.schema}", heartbeat=0)
        self._errors = amqp.broker_errors(self._connection)
        self._producer: kombu.Producer | None = None
        self._returned: list[str] = []

    # --- publishing -------------------------------------------------------------------------
    def _publish(self, row) -> None:
        if self._producer is None:
            self._producer = kombu.Producer(self._connection,
                                            on_return=lambda exc, *_: self._returned.append(str(exc)))
        body = row.body
        # Mandatory routing catches a missing queue for an event somebody consumes; an event with
        # no consumer in the catalogue is allowed to go nowhere.
        mandatory = bool(contracts.contract_for(row.event_type).consumers)
        self._returned.clear()
        try:
            self._producer.publish(
                json.dumps(body).encode(), exchange=row.exchange, routing_key=row.event_type, mandatory=mandatory,
                delivery_mode=2, content_type="application/json", content_encoding="utf-8",
                message_id=str(row.event_id), correlation_id=row.correlation_id, type=row.event_type,
                timestamp=int(time.time()), app_id=body.get("producer"),
                retry=True, retry_policy=amqp.PUBLISH_RETRY, confirm_timeout=amqp.CONFIRM_TIMEOUT)
        except self._errors as exc:
            self.close()  # a channel the broker closed, or a connection kombu gave up on: start afresh next time
            nacked = isinstance(exc, MessageNacked) or isinstance(exc.__cause__, MessageNacked)
            reason = "broker nacked the message" if nacked else f"broker: {exc or type(exc).__name__}"
            raise PublishFailed(reason) from exc
        if self._returned:
            raise PublishFailed(f"unroutable: no queue bound for {row.event_type} on {row.exchange}")

    def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        published_ids: list[int] = []
        with self.db.engine.begin() as conn:
            rows = conn.execute(
                select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id)
                .limit(self.batch_size).with_for_update(skip_locked=True)
            ).all()
            failure = None
            for row in rows:
                try:
                    self._publish(row)
                except PublishFailed as exc:
                    failure = (row.id, str(exc))
                    FAILED.labels(reason=type(exc.__cause__ or exc).__name__).inc()
                    break
                if self._after_publish:
                    self._after_publish(row._asdict())
                published_ids.append(row.id)
                PUBLISHED.labels(event_type=row.event_type).inc()
            if published_ids:
                conn.execute(update(outbox).where(outbox.c.id.in_(published_ids)).values(published_at=func.now()))
            if failure:
                conn.execute(update(outbox).where(outbox.c.id == failure[0])
                             .values(attempts=outbox.c.attempts + 1, last_error=failure[1]))
                log.warning("outbox_publish_failed", outbox_id=failure[0], error=failure[1])
        if failure and not published_ids:
            raise PublishFailed(failure[1])
        return len(published_ids)

    # --- running --------------------------------------------------------------------------
    def _run(self, stop: threading.Event) -> None:
        work_on_notify(self.db, self.db.notify_channel, self.publish_pending, stop, self.poll_seconds,
                       started=lambda: log.info("relay_started", channel=self.db.notify_channel))

    def run_forever(self, stop: threading.Event) -> None:
        # kombu reconnects to the broker inside each publish; this waits out the database (the LISTEN connection,
        # the batch's transaction) and a broker that stayed away past the publish's retries.
        try:
            keep_running(self._run, stop, (PublishFailed, SQLAlchemyError, psycopg.Error, OSError), log, "relay_error")
        finally:
            self.close()

    def close(self) -> None:
        amqp.release_quietly(self._connection)
        self._producer = None
