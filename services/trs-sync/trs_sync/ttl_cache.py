"""A small in-process cache whose entries expire after a fixed time."""
from __future__ import annotations

import threading
import time
from collections.abc import Hashable


class TtlCache:
    def __init__(self, ttl_seconds: float, *, max_entries: int = 10_000, clock=time.monotonic):
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, value = found
            if expires <= self._clock():
                del self._entries[key]
                return None
            return value

    def put(self, key: Hashable, value) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._evict()
            self._entries[key] = (self._clock() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _evict(self) -> None:
        now = self._clock()
        for key in [k for k, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # oldest first: dicts keep insertion order
