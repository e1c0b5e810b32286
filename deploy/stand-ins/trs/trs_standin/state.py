"""In-memory state: persons, the request log. One process; every access goes through a lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from .dates import utcnow

INDUCTION_STATUSES = (
    "None", "RequiredToComplete", "Exempt", "InProgress", "Passed", "Failed", "FailedInWales",
)
CPD_SETTABLE_STATUSES = ("RequiredToComplete", "InProgress", "Passed", "Failed")
# CPD may not move an Exempt person to these (the person stays Exempt).
EXEMPT_KEEPS_AGAINST = ("InProgress", "RequiredToComplete")
# The TRS console stops treating an induction as managed by CPD once completed this long ago.
CPD_MANAGED_YEARS = 7


@dataclass
class Person:
    trn: str
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    qts_date: date | None = None
    induction_status: str = "None"
    induction_start_date: date | None = None
    induction_completed_date: date | None = None
    alerts: list[dict] = field(default_factory=list)
    deactivated: bool = False
    merged_into: str | None = None
    # What CPD last sent (TRS keeps it separately from the overall induction).
    cpd_status: str | None = None
    cpd_start_date: date | None = None
    cpd_completed_date: date | None = None
    cpd_modified_on: datetime | None = None
    updated_on: datetime = field(default_factory=utcnow)

    @property
    def active(self) -> bool:
        return not self.deactivated and self.merged_into is None

    def managed_by_cpd(self, today: date | None = None) -> bool:
        if self.cpd_modified_on is None:
            return False
        completed = self.induction_completed_date
        if completed is None:
            return True
        today = today or utcnow().date()
        try:
            cutoff = completed.replace(year=completed.year + CPD_MANAGED_YEARS)
        except ValueError:  # 29 February
            cutoff = completed.replace(year=completed.year + CPD_MANAGED_YEARS, day=28)
        return today <= cutoff

    def apply_cpd(self, status: str, start: date | None, completed: date | None,
                  modified_on: datetime) -> bool:
        """Apply a CPD write that passed every check. Returns False if it changed nothing.

        Like TRS, a repeat of exactly what CPD last sent is a no-op (modifiedOn not stored
        either). TRS does not check transitions: it overwrites the status, except that an
        Exempt person stays Exempt when CPD sends InProgress or RequiredToComplete.
        """
        if (status, start, completed) == (self.cpd_status, self.cpd_start_date, self.cpd_completed_date):
            return False
        self.cpd_status, self.cpd_start_date, self.cpd_completed_date = status, start, completed
        self.cpd_modified_on = modified_on
        if not (self.induction_status == "Exempt" and status in EXEMPT_KEEPS_AGAINST):
            self.induction_status = status
            self.induction_start_date = start
            self.induction_completed_date = completed
        self.updated_on = utcnow()
        return True

    def apply_console_edit(self, status: str, start: date | None, completed: date | None) -> None:
        """A save in the TRS console: never touches what CPD sent or its modifiedOn."""
        self.induction_status = status
        self.induction_start_date = start
        self.induction_completed_date = completed
        self.updated_on = utcnow()


class Store:
    """Persons keyed by TRN plus a log of API requests, guarded by one re-entrant lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._persons: dict[str, Person] = {}
        self._log: list[dict] = []

    def reset(self) -> None:
        with self.lock:
            self._persons.clear()
            self._log.clear()

    def upsert(self, person: Person) -> None:
        with self.lock:
            self._persons[person.trn] = person

    def get(self, trn: str) -> Person | None:
        """The live record (callers mutating it must hold ``lock``)."""
        with self.lock:
            return self._persons.get(trn)

    def snapshot(self, trn: str) -> Person | None:
        with self.lock:
            person = self._persons.get(trn)
            return None if person is None else replace(person, alerts=list(person.alerts))

    def all(self) -> list[Person]:
        with self.lock:
            return [replace(p, alerts=list(p.alerts)) for p in self._persons.values()]

    def log(self, entry: dict) -> None:
        with self.lock:
            entry = dict(entry, seq=len(self._log) + 1)
            self._log.append(entry)

    def requests(self) -> list[dict]:
        with self.lock:
            return [dict(e) for e in self._log]
