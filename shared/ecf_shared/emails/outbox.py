"""Queueing an email in the use case's own transaction: a change that rolls back sends nothing, one that commits
is sent (by the worker's EmailSender) however long GOV.UK Notify takes to come back."""
from __future__ import annotations

import uuid
from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from collections.abc import Iterable, Mapping

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from ecf_shared import correlation
from ecf_shared.emails.tables import email_outbox
from ecf_shared.uow import UnitOfWork


def wake_up_channel(schema: str) -> str:
    return f"email_{schema}"


def queue_email(uow: UnitOfWork, *, template: str, to: str, personalisation: Mapping[str, object],
                reference: str | None = None, secret_fields: Iterable[str] = ()) -> bool:
    """Queue `template` (a logical name such as "invitation") to `to`. `reference` names the email uniquely (it goes
    to Notify with it; the email's id when none): the same reference queued again is not sent twice, and the answer
    is False. `secret_fields` are personalisation keys removed from the row once Notify has the email."""
    secret_fields = list(dict.fromkeys(secret_fields))
    if unknown := [f for f in secret_fields if f not in personalisation]:
        raise ValueError(f"secret_fields not in the personalisation: {', '.join(unknown)}")
    email_id = str(uuid.uuid4())
    result = uow.session.execute(
        insert(email_outbox).values(
            id=email_id, template=template, recipient=to.strip(), personalisation=dict(personalisation),
            secret_fields=secret_fields, reference=reference or email_id, correlation_id=correlation.current(),
        ).on_conflict_do_nothing(index_elements=["reference"]).returning(email_outbox.c.id)
    ).first()
    # NOTIFY is transactional: the sender wakes once the email is really there.
    uow.session.execute(text("select pg_notify(:channel, '')"), {"channel": wake_up_channel(uow.db.schema)})
    return result is not None


def long_date(day: date | datetime) -> str:
    """A date as GOV.UK writes it in a sentence: 9 December 2026 (a moment: its day in England)."""
    if isinstance(day, datetime):
        day = day.astimezone(_england()).date()
    return f"{day.day} {day:%B %Y}"


def _england():
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:  # no time zone database on this machine: UTC is at most an hour out
        return UTC
