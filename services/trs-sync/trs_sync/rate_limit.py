"""TRS's rate limit, held across every trs-sync process (web and worker, every replica): requests are counted in
PostgreSQL, in the windows `domain.limits.window` sets, and a 429's Retry-After pauses every process. One round
trip per request to TRS (which allows about 17 a second)."""
from __future__ import annotations

import time

from sqlalchemy import text

from ecf_shared.db import Database
from trs_sync.domain.limits import GUARD_SECONDS, window

TAKE = text("""
with slot as (select date_bin(make_interval(secs => :seconds), now(), timestamptz '2000-01-01') as start),
     paused as (select greatest(0, extract(epoch from paused_until - now())) as seconds
                from trs_rate_pause where id = 1 and paused_until > now()),
     taken as (insert into trs_rate_windows (window_start, used)
               select start, 1 from slot where not exists (select 1 from paused)
                 and now() < start + make_interval(secs => :seconds - :guard)
               on conflict (window_start) do update set used = trs_rate_windows.used + 1
               where trs_rate_windows.used < :capacity
               returning used)
select (select used from taken) as used,
       (select seconds from paused) as paused_for,
       extract(epoch from (select start from slot) + make_interval(secs => :seconds) - now()) as next_window_in
""")
FORGET_OLD = text("delete from trs_rate_windows where window_start < now() - interval '10 minutes'")
PAUSE = text("""
insert into trs_rate_pause (id, paused_until) values (1, now() + make_interval(secs => :seconds))
on conflict (id) do update set paused_until = greatest(trs_rate_pause.paused_until, excluded.paused_until)
""")


class Throttled(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"TRS rate limit: retry in {retry_after:.1f}s")
        self.retry_after = retry_after


class SharedRateLimit:
    def __init__(self, db: Database, per_minute: int, *, sleep=time.sleep, clock=time.monotonic):
        self.db = db
        self.seconds, self.capacity = window(per_minute)
        self._sleep, self._clock = sleep, clock

    def acquire(self, max_wait: float) -> None:
        """Take one request of the shared limit, waiting up to `max_wait` seconds for one; else raise Throttled."""
        deadline = self._clock() + max_wait
        while True:
            with self.db.engine.begin() as conn:
                row = conn.execute(TAKE, {"seconds": self.seconds, "capacity": self.capacity,
                                          "guard": GUARD_SECONDS}).one()
                if row.used is not None:
                    if row.used == 1:
                        conn.execute(FORGET_OLD)  # the first request of a window clears the old ones
                    return
            wait = float(row.paused_for if row.paused_for is not None else row.next_window_in)
            wait = max(wait, 0.01)
            if self._clock() + wait > deadline:
                raise Throttled(wait)
            self._sleep(wait)

    def hold_off(self, seconds: float) -> None:
        """TRS answered 429: no trs-sync process calls it again before Retry-After has passed."""
        with self.db.engine.begin() as conn:
            conn.execute(PAUSE, {"seconds": max(0.0, float(seconds))})
