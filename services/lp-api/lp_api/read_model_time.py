"""When lp-api's read models changed: the transaction's time, never the source event's occurred_at.

A consumer that lags (or replays) applies old events now; stamping rows with the events' times would
put changes behind a client's `updated_since` watermark, and its polls would miss them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lp_api.domain.timestamps import to_milliseconds


def transaction_time(session: Session) -> datetime:
    return to_milliseconds(session.execute(select(func.now())).scalar_one())


def moved_forward(session: Session, previous: datetime | None) -> datetime:
    now = transaction_time(session)
    return now if previous is None else max(previous, now)
