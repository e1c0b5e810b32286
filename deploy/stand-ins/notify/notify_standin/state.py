"""In-memory state: the emails Notify accepted. One process; every access goes through a lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, UTC

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # Notify's


def utcnow() -> datetime:
    return datetime.now(UTC)


def fmt(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime(DATETIME_FORMAT) if moment else None


@dataclass
class Email:
    id: str
    service_id: str
    key_type: str
    template_id: str
    template_name: str
    template_version: int
    email_address: str
    personalisation: dict
    reference: str | None
    subject: str
    body: str
    from_email: str
    # Nothing is really delivered: a live key's email is "delivered" at once, a test key's too (as Notify's are).
    status: str = "delivered"
    created_at: datetime = field(default_factory=utcnow)
    seq: int = 0


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._emails: list[Email] = []

    def add(self, email: Email) -> None:
        with self.lock:
            email.seq = len(self._emails) + 1
            self._emails.append(email)

    def get(self, service_id: str, notification_id: str) -> Email | None:
        with self.lock:
            return next((e for e in self._emails if e.id == notification_id and e.service_id == service_id), None)

    def newest_first(self) -> list[Email]:
        with self.lock:
            return sorted(self._emails, key=lambda e: e.seq, reverse=True)

    def reset(self) -> None:
        with self.lock:
            self._emails.clear()
