"""Read copy of ECT registrations' schools (registrations owns them): which school each ECT registration is at and
until when, so a school can read its ECTs' inductions. Free of the ORM."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ecf_shared.school_periods import registration_status


@dataclass
class SchoolEct:
    """One ECT registration (registrations' ECT period) at a school.

    Its TRN, school and start never change; when it finishes does. `as_of` is when registrations made the change the
    copy last took: an event about an earlier change (redelivered, or arriving after a later one) fills in what the
    copy does not know yet but never takes it back in time."""

    ect_period_id: str
    trn: str
    school_id: str
    as_of: datetime
    started_on: date | None = None  # unknown when the registration's end arrived before its start
    finished_on: date | None = None

    def take(self, *, finished_on: date | None, as_of: datetime, started_on: date | None = None) -> bool:
        """Take registrations' change made at `as_of` (the registration finishes on `finished_on`, None: open), unless
        the copy already reflects a later one. Returns whether the copy changed."""
        before = (self.started_on, self.finished_on, self.as_of)
        self.started_on = self.started_on or started_on
        if as_of >= self.as_of:
            self.finished_on, self.as_of = finished_on, as_of
        return (self.started_on, self.finished_on, self.as_of) != before

    def is_current(self, today: date) -> bool:
        return registration_status(self.finished_on, today) == "current"
