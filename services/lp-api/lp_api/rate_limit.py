"""v3's rate limit: so many requests per token per fixed window, then 429 with Retry-After.

Counted in PostgreSQL (one counter row per token per window, incremented with an upsert), so the limit
holds across gunicorn workers and replicas.
"""
from __future__ import annotations

import math

from sqlalchemy import text

_COUNT = text("""
insert into rate_limit_windows (token_id, window_start, count)
values (:token_id, to_timestamp(floor(extract(epoch from now()) / :seconds) * :seconds), 1)
on conflict (token_id, window_start) do update set count = rate_limit_windows.count + 1
returning count, window_start, extract(epoch from window_start + make_interval(secs => :seconds) - now()) as left
""")
_FORGET_OLD = text("delete from rate_limit_windows where token_id = :token_id and window_start < :window_start")


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def count_request(connection, token_id: str, *, limit: int, window_seconds: int) -> None:
    """Counts this request; RateLimited when it is over the limit (the caller commits either way)."""
    row = connection.execute(_COUNT, {"token_id": token_id, "seconds": window_seconds}).one()
    if row.count == 1:
        connection.execute(_FORGET_OLD, {"token_id": token_id, "window_start": row.window_start})
    if row.count > limit:
        raise RateLimited(max(1, math.ceil(row.left)))
