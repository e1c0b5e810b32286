"""Injected faults (429, 500, slow, timeout) and the optional per-client rate limit."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

MODES = ("429", "500", "slow", "timeout", "none")
PATH_KINDS = ("put", "get", "find", "all")


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    mode: str
    remaining: int | None  # None = until cleared
    seconds: float | None
    paths: tuple[str, ...]

    def matches(self, kind: str) -> bool:
        return "all" in self.paths or kind in self.paths

    def to_json(self) -> dict:
        return {"mode": self.mode, "remaining": self.remaining, "seconds": self.seconds,
                "paths": list(self.paths)}


def parse_fault(spec: dict) -> Fault:
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault must be a JSON object")
    mode = str(spec.get("mode", ""))
    if mode not in MODES:
        raise FaultSpecError(f"mode must be one of {', '.join(MODES)}")
    count = spec.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultSpecError("count must be a positive integer")
    seconds = spec.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or seconds < 0):
        raise FaultSpecError("seconds must be a non-negative number")
    paths = spec.get("paths", "all")
    paths = (paths,) if isinstance(paths, str) else tuple(paths or ("all",))
    if not paths or any(p not in PATH_KINDS for p in paths):
        raise FaultSpecError(f"paths must be one of {', '.join(PATH_KINDS)} (or a list of them)")
    return Fault(mode=mode, remaining=count, seconds=seconds, paths=paths)


class FaultBook:
    """An ordered list of faults; the first one matching a request is used (and its count spent)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def replace(self, faults: list[Fault]) -> None:
        with self._lock:
            self._faults = [f for f in faults if f.mode != "none"]

    def clear(self) -> None:
        self.replace([])

    def take(self, kind: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(kind) and (fault.remaining is None or fault.remaining > 0):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    taken = Fault(fault.mode, fault.remaining, fault.seconds, fault.paths)
                    self._faults = [f for f in self._faults if f.remaining != 0]
                    return taken
            return None

    def to_json(self) -> list[dict]:
        with self._lock:
            return [f.to_json() for f in self._faults]


class RateLimiter:
    """Fixed one-minute windows per API key. limit 0 = off."""

    def __init__(self, limit_per_minute: int, clock=time.monotonic) -> None:
        self.limit = limit_per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def check(self, client: str) -> int | None:
        """Count one request; return None if allowed, else the Retry-After seconds."""
        if self.limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= 60:
                start, count = now, 0
            if count >= self.limit:
                return max(1, math.ceil(60 - (now - start)))
            self._windows[client] = (start, count + 1)
            return None

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
