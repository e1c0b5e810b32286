"""The time finance rules see: now (a declaration may not be in the future) and today in London (which
statements are open, whose cut-off has passed). Tests fix it to walk past cut-off dates."""
from __future__ import annotations

from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class FinanceClock:
    def __init__(self, fixed: datetime | None = None):
        self.fixed = fixed

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(LONDON).date()


def finance_clock(ctx) -> FinanceClock:
    """The service context's clock (tests replace extras["finance_clock"])."""
    return ctx.extras.setdefault("finance_clock", FinanceClock())
