"""A client-side token bucket, so one process stays under TRS's per-client rate limit."""
from __future__ import annotations

import threading
import time
from functools import cache


class Throttled(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"TRS rate limit: retry in {retry_after:.1f}s")
        self.retry_after = retry_after


class TokenBucket:
    def __init__(self, per_minute: int, *, clock=time.monotonic, sleep=time.sleep):
        if per_minute < 1:
            raise ValueError("the TRS rate limit must allow at least one request a minute")
        self.rate = per_minute / 60.0
        # A small burst: TRS counts fixed minutes, so a full minute's burst plus refill could exceed it.
        self.capacity = max(1.0, per_minute / 10)
        self.tokens = self.capacity
        self.paused_until = 0.0
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self, max_wait: float) -> None:
        """Take one token, sleeping up to `max_wait` seconds for it; else raise Throttled."""
        deadline = self._clock() + max_wait
        while True:
            with self._lock:
                now = self._clock()
                self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
                self._updated = now
                wait = self.paused_until - now
                if wait <= 0:
                    if self.tokens >= 1:
                        self.tokens -= 1
                        return
                    wait = (1 - self.tokens) / self.rate
            if now + wait > deadline:
                raise Throttled(wait)
            self._sleep(wait)

    def hold_off(self, seconds: float) -> None:
        """TRS answered 429: nobody in this process calls it again before Retry-After has passed."""
        with self._lock:
            self.paused_until = max(self.paused_until, self._clock() + seconds)


@cache
def shared_bucket(per_minute: int) -> TokenBucket:
    """The one bucket of this process: lookups and deliveries count against the same limit."""
    return TokenBucket(per_minute)
