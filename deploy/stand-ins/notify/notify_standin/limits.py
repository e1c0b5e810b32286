"""Notify's rate limit (per service and API key type, rolling) and the faults tests queue up."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

FAULT_MODES = ("500", "429", "timeout", "slow")
FAULT_REQUESTS = ("send", "get", "all")


class RateLimiter:
    """At most `limit` sends in any `interval_seconds`, counted per (service, key type) as Notify counts them."""

    def __init__(self, limit: int, interval_seconds: int, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: dict[tuple[str, str], deque] = {}
        self.configure(limit, interval_seconds)

    def configure(self, limit: int, interval_seconds: int) -> None:
        with self._lock:
            self.limit, self.interval_seconds = limit, interval_seconds
            self._sent.clear()

    def allow(self, service_id: str, key_type: str) -> bool:
        now = self._clock()
        with self._lock:
            sent = self._sent.setdefault((service_id, key_type), deque())
            while sent and now - sent[0] >= self.interval_seconds:
                sent.popleft()
            if len(sent) >= self.limit:
                return False
            sent.append(now)
            return True


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    mode: str
    remaining: int
    seconds: float | None
    requests: str

    def applies_to(self, kind: str) -> bool:
        return self.requests in ("all", kind)

    def to_json(self) -> dict:
        return {"mode": self.mode, "remaining": self.remaining, "seconds": self.seconds, "requests": self.requests}


def parse_fault(spec) -> Fault:
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault is a JSON object: {\"mode\": ..., \"count\": N}")
    mode = str(spec.get("mode", ""))
    if mode not in FAULT_MODES:
        raise FaultSpecError(f"mode must be one of {', '.join(FAULT_MODES)}")
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultSpecError("count must be a positive integer")
    seconds = spec.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0):
        raise FaultSpecError("seconds must be a non-negative number")
    requests = spec.get("requests", "all")
    if requests not in FAULT_REQUESTS:
        raise FaultSpecError(f"requests must be one of {', '.join(FAULT_REQUESTS)}")
    return Fault(mode, count, seconds, requests)


class FaultBook:
    """Faults in the order queued; each request takes the first that applies to it and spends one of its count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, faults: list[Fault]) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kind: str) -> Fault | None:
        with self._lock:
            fault = next((f for f in self._faults if f.applies_to(kind)), None)
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
            return fault

    def to_json(self) -> list[dict]:
        with self._lock:
            return [f.to_json() for f in self._faults]
