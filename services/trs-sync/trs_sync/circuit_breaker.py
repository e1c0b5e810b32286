"""A circuit breaker, so a TRS outage is waited out instead of hammered.

closed → (N transient failures in a row) → open → (cool-down) → half-open: one probe request →
success closes it, failure opens it again for another cool-down.
"""
from __future__ import annotations

import threading
import time

from trs_sync.metrics import CIRCUIT_STATE

STATES = {"closed": 0, "open": 1, "half_open": 2}


class CircuitBreaker:
    def __init__(self, failure_threshold: int, cool_down_seconds: float, *, clock=time.monotonic):
        if failure_threshold < 1:
            raise ValueError("the circuit needs at least one failure to open")
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self._set("closed")

    def allow(self) -> bool:
        """May a request go to TRS now? In half-open, only one (the probe) may, until it reports back."""
        with self._lock:
            if self.state == "open" and self._clock() - self._opened_at >= self.cool_down:
                self._set("half_open")
            if self.state == "half_open" and not self._probing:
                self._probing = True
                return True
            return self.state == "closed"

    def retry_in(self) -> float:
        with self._lock:
            return max(0.0, self.cool_down - (self._clock() - self._opened_at)) if self.state == "open" else 0.0

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._probing = 0, False
            self._set("closed")

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self.state == "half_open" or self._failures >= self.failure_threshold:
                self._opened_at, self._probing = self._clock(), False
                self._set("open")

    def _set(self, state: str) -> None:
        self.state = state
        CIRCUIT_STATE.set(STATES[state])
