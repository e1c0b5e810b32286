"""The email sender: the worker sends what `queue_email` committed, through GOV.UK Notify's official client.

Each round claims a batch of due emails with `SELECT ... FOR UPDATE SKIP LOCKED` and, in that same short
transaction, counts the attempt and leases them (`next_attempt_at` pushed past the time a send can take), so any
number of worker replicas each take other emails. Then, with no transaction open, each email goes to Notify:
- 201: marked sent with Notify's id, its secret personalisation removed;
- 400 (Notify refuses this email for good: unknown template, missing personalisation, bad address): marked failed
  with Notify's message, logged and counted (`ecf_emails_failed_total`), never retried;
- anything else (5xx, 429, 401/403 from a wrong key, a timeout, no connection): tried again after a back-off that
  doubles from 5 s up to EMAIL_RETRY_MAX_SECONDS, for as long as it takes: an outage delays an email, never loses it.
An email is marked sent only when Notify has it. When an earlier attempt may have reached Notify without its answer
reaching us (a timeout, a crash before the mark), the next attempt first asks Notify for a notification with the
email's unique reference, and marks the email sent with that one instead of sending it twice.
"""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from collections.abc import Callable, Mapping

import psycopg
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError
from prometheus_client import Counter
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ecf_shared.db import Database, keep_running, work_on_notify
from ecf_shared.emails.outbox import wake_up_channel
from ecf_shared.emails.settings import TEMPLATE_PREFIX, EmailSettings
from ecf_shared.emails.tables import email_outbox
from ecf_shared.logging import get_logger

log = get_logger(__name__)
SENT = Counter("ecf_emails_sent_total", "Emails GOV.UK Notify accepted", ["template"])
FAILED = Counter("ecf_emails_failed_total", "Emails GOV.UK Notify refused (400): marked failed, not retried",
                 ["template"])
RETRIED = Counter("ecf_email_send_retries_total", "Sends to be tried again (Notify 5xx/429/403, timeout, unreachable)",
                  ["template", "reason"])
RETRY_BASE_SECONDS = 5.0


@dataclass(frozen=True)
class Sent:
    notify_id: str


@dataclass(frozen=True)
class Refused:
    message: str


@dataclass(frozen=True)
class TryAgain:
    reason: str  # the status code, or "unreachable"
    message: str


class EmailSender:
    def __init__(self, db: Database, client: NotificationsAPIClient, templates: Mapping[str, str], *,
                 batch_size: int = 20, poll_seconds: float = 1.0, lease_seconds: float = 60.0,
                 retry_base_seconds: float = RETRY_BASE_SECONDS, retry_max_seconds: float = 900.0,
                 after_send: Callable[[dict], None] | None = None):
        self.db = db
        self.client = client  # not thread-safe: one per sender
        self.templates = {name: template_id for name, template_id in templates.items() if template_id}
        self.unconfigured = sorted(name for name, template_id in templates.items() if not template_id)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self._after_send = after_send  # fault-injection hook for tests: runs between Notify's answer and the mark

    @classmethod
    def from_settings(cls, settings: EmailSettings, db: Database) -> EmailSender:
        client = NotificationsAPIClient(settings.notify_api_key, base_url=settings.notify_base_url,
                                        timeout=settings.notify_timeout_seconds)
        return cls(db, client, settings.email_templates(), batch_size=settings.email_batch_size,
                   poll_seconds=settings.email_poll_seconds, lease_seconds=max(60.0, 3 * settings.notify_timeout_seconds),
                   retry_max_seconds=settings.email_retry_max_seconds)

    # --- one round ------------------------------------------------------------------------------------------------
    def claim(self) -> list:
        """Due emails of configured templates, each with this attempt counted and leased to this sender."""
        if not self.templates:
            return []
        with self.db.engine.begin() as conn:
            due = conn.execute(
                select(email_outbox.c.id).where(and_(email_outbox.c.state == "pending",
                                                     email_outbox.c.next_attempt_at <= func.now(),
                                                     email_outbox.c.template.in_(list(self.templates))))
                .order_by(email_outbox.c.next_attempt_at, email_outbox.c.created_at)
                .limit(self.batch_size).with_for_update(skip_locked=True)
            ).scalars().all()
            if not due:
                return []
            return conn.execute(
                update(email_outbox).where(email_outbox.c.id.in_(due))
                .values(attempts=email_outbox.c.attempts + 1,
                        next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, self.lease_seconds))
                .returning(*email_outbox.c)
            ).all()

    def send_due(self) -> int:
        """Send one batch; returns how many emails it tried."""
        rows = self.claim()
        for row in rows:
            outcome = self.deliver(row)
            if self._after_send:
                self._after_send(row._asdict())
            self.record(row, outcome)
        return len(rows)

    def deliver(self, row) -> Sent | Refused | TryAgain:
        try:
            if row.attempts > 1:  # an earlier attempt may have reached Notify without its answer reaching us
                found = self._already_at_notify(row)
                if isinstance(found, TryAgain):
                    return found
                if found:
                    log.info("email_found_at_notify", email_id=row.id, template=row.template, notify_id=found)
                    return Sent(found)
            answer = self.client.send_email_notification(
                email_address=row.recipient, template_id=self.templates[row.template],
                personalisation=row.personalisation, reference=row.reference)
            return Sent(str(answer["id"]))
        except APIError as exc:
            return _classify(exc)
        except Exception as exc:  # noqa: BLE001 - a surprise must not stop the sender; the email is tried again
            log.exception("email_send_error", email_id=row.id, template=row.template)
            return TryAgain("error", f"{type(exc).__name__}: {exc}")

    def _already_at_notify(self, row) -> str | None | TryAgain:
        """Notify's id for a notification with this email's reference, if it has one."""
        try:
            listed = self.client.get_all_notifications(reference=row.reference, template_type="email")
        except APIError as exc:  # not knowing is no reason to give the email up
            outcome = _classify(exc)
            return outcome if isinstance(outcome, TryAgain) else TryAgain(str(exc.status_code), outcome.message)
        return next((str(n["id"]) for n in listed.get("notifications", []) if n.get("reference") == row.reference),
                    None)

    def record(self, row, outcome: Sent | Refused | TryAgain) -> None:
        this_claim = and_(email_outbox.c.id == row.id, email_outbox.c.state == "pending",
                          email_outbox.c.attempts == row.attempts)
        scrubbed = {k: v for k, v in row.personalisation.items() if k not in set(row.secret_fields)}
        if isinstance(outcome, Sent):
            values = dict(state="sent", notify_id=outcome.notify_id, sent_at=func.now(), last_error=None,
                          personalisation=scrubbed)
            SENT.labels(template=row.template).inc()
            log.info("email_sent", email_id=row.id, template=row.template, notify_id=outcome.notify_id,
                     attempts=row.attempts)
        elif isinstance(outcome, Refused):
            values = dict(state="failed", last_error=outcome.message[:2000], personalisation=scrubbed)
            FAILED.labels(template=row.template).inc()
            log.error("email_refused_by_notify", email_id=row.id, template=row.template, reference=row.reference,
                      error=outcome.message)
        else:
            delay = min(self.retry_max_seconds, self.retry_base_seconds * 2 ** (row.attempts - 1))
            values = dict(last_error=outcome.message[:2000],
                          next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay))
            RETRIED.labels(template=row.template, reason=outcome.reason).inc()
            log.warning("email_send_failed", email_id=row.id, template=row.template, attempts=row.attempts,
                        error=outcome.message, retry_in=delay)
        with self.db.engine.begin() as conn:
            conn.execute(update(email_outbox).where(this_claim).values(**values))

    # --- running ----------------------------------------------------------------------------------------------------
    def _run(self, stop: threading.Event) -> None:
        channel = wake_up_channel(self.db.schema)
        work_on_notify(self.db, channel, self.send_due, stop, self.poll_seconds,
                       started=lambda: log.info("email_sender_started", channel=channel, templates=sorted(self.templates)))

    def run_forever(self, stop: threading.Event) -> None:
        for name in self.unconfigured:
            log.warning("email_template_not_configured", template=name,
                        setting=f"{TEMPLATE_PREFIX}{name}".upper(), effect="its emails wait in email_outbox")
        keep_running(self._run, stop, (SQLAlchemyError, psycopg.Error, OSError), log, "email_sender_error")


def _classify(exc: APIError) -> Refused | TryAgain:
    message = _notify_message(exc)
    if exc.response is None:
        return TryAgain("unreachable", message)
    if exc.status_code == 400:
        return Refused(message)
    return TryAgain(str(exc.status_code), f"{exc.status_code} {message}")


def _notify_message(exc: APIError) -> str:
    """Notify's v2 errors are a list of {"error", "message"}; the client gives that list, or a string."""
    message = exc.message
    if isinstance(message, list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in message)
    if exc.response is None and exc.__cause__ is not None:
        return f"{message}: {type(exc.__cause__).__name__}"
    return str(message)


def background_runners(settings: EmailSettings, db: Database) -> list[tuple[str, object]]:
    """The worker's email sender; none (said once in the log) while NOTIFY_API_KEY is not set."""
    if not settings.notify_api_key:
        log.info("email_sender_off", reason="NOTIFY_API_KEY is not set", effect="queued emails wait in email_outbox")
        return []
    if not _looks_like_a_notify_key(settings.notify_api_key):
        log.error("email_sender_off", reason="NOTIFY_API_KEY is not a Notify API key ({key_name}-{service_id}-{secret})",
                  effect="queued emails wait in email_outbox")
        return []
    return [("email-sender", EmailSender.from_settings(settings, db))]


def _looks_like_a_notify_key(key: str) -> bool:
    """The client takes the service id and the secret (two UUIDs) from the end of the key."""
    try:
        uuid.UUID(key[-73:-37])
        uuid.UUID(key[-36:])
    except ValueError:
        return False
    return len(key) >= 74 and key[-37] == "-" and key[-74] == "-"
