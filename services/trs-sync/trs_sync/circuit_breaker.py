"""The circuit breaker, so a TRS outage is waited out instead of hammered, shared by every trs-sync process: its
state is one PostgreSQL row, changed under a row lock by the rules in domain.limits (the database's clock for
every process)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from ecf_shared.db import Database
from trs_sync.domain import limits
from trs_sync.metrics import CIRCUIT_STATE

STATES = {"closed": 0, "open": 1, "half_open": 2}
ENSURE = text("insert into trs_circuit (id, state, failures) values (1, 'closed', 0) on conflict (id) do nothing")
LOAD = text("select now() as now, state, failures, opened_at, probe_started_at from trs_circuit where id = 1 for update")
SAVE = text("update trs_circuit set state = :state, failures = :failures, opened_at = :opened_at, "
            "probe_started_at = :probe_started_at where id = 1")


class CircuitBreaker:
    def __init__(self, db: Database, failure_threshold: int, cool_down_seconds: float, *,
                 probe_timeout_seconds: float = 60.0):
        if failure_threshold < 1:
            raise ValueError("the circuit needs at least one failure to open")
        self.db = db
        self.failure_threshold = failure_threshold
        self.cool_down = timedelta(seconds=cool_down_seconds)
        self.probe_timeout = timedelta(seconds=probe_timeout_seconds)

    def _change(self, rule):
        with self.db.engine.begin() as conn:
            conn.execute(ENSURE)
            row = conn.execute(LOAD).one()
            before = limits.Circuit(row.state, row.failures, row.opened_at, row.probe_started_at)
            answer, after = rule(before, row.now)
            if after != before:
                conn.execute(SAVE, {"state": after.state, "failures": after.failures, "opened_at": after.opened_at,
                                    "probe_started_at": after.probe_started_at})
        CIRCUIT_STATE.set(STATES[after.state])
        return answer

    @property
    def state(self) -> str:
        with self.db.engine.connect() as conn:
            return conn.execute(text("select state from trs_circuit where id = 1")).scalar() or "closed"

    def allow(self) -> bool:
        """May a request go to TRS now? In half-open, only one (the probe) may, until it reports back."""
        return self._change(lambda c, now: limits.allow(c, now, self.cool_down, self.probe_timeout))

    def retry_in(self) -> float:
        return self._change(lambda c, now: (limits.retry_in(c, now, self.cool_down), c))

    def succeeded(self) -> None:
        self._change(lambda c, now: (None, limits.succeeded(c)))

    def failed(self) -> None:
        self._change(lambda c, now: (None, limits.failed(c, now, self.failure_threshold)))
