"""Today's date, as the rules see it. Tests set `fixed` to walk through windows (day 29, 30, 31...)."""
from __future__ import annotations

from datetime import date


class Clock:
    def __init__(self, fixed: date | None = None):
        self.fixed = fixed

    def today(self) -> date:
        return self.fixed or date.today()
