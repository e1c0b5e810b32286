"""Lead provider token check and v3's rate limit, as SQL that runs inside each request's one statement.

The limit is so many requests per token per fixed window, then 429 with Retry-After. It is counted in
PostgreSQL (one counter row per token per window, incremented with an upsert; the token's older windows are
deleted when a new one starts), so it holds exactly across gunicorn workers and replicas. The token lookup,
the count and the (throttled) last_used_at write are common table expressions of the statement that also
reads the page, so authenticating costs no round trip of its own.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# Parameters: token_hash, window (seconds), limit, touch (write last_used_at if older than touch_seconds).
# `allowed` has the caller's token and lead provider when the token is valid and under the limit.
AUTH_CTES = """
tok as (
    select id, lead_provider_id from lead_provider_tokens
    where token_hash = %(token_hash)s::varchar and revoked_at is null
), counted as (
    insert into rate_limit_windows as w (token_id, window_start, count)
    select id, to_timestamp(floor(extract(epoch from now()) / %(window)s::integer) * %(window)s::integer), 1 from tok
    on conflict (token_id, window_start) do update set count = w.count + 1
    returning count, window_start
), forgotten as (
    delete from rate_limit_windows
    where token_id = (select id from tok) and window_start < (select window_start from counted where count = 1)
), touched as (
    update lead_provider_tokens set last_used_at = now()
    where %(touch)s::boolean and id = (select id from tok)
      and (last_used_at is null or last_used_at < now() - make_interval(secs => %(touch_seconds)s::integer))
), allowed as (
    select tok.id as token_id, tok.lead_provider_id from tok, counted where counted.count <= %(limit)s::integer
)"""

# The caller's columns, from `tok cross join counted` (no row: no such token).
AUTH_COLUMNS = ("tok.id::text, tok.lead_provider_id::text, counted.count, "
                "extract(epoch from counted.window_start + make_interval(secs => %(window)s::integer) - now())"
                "::float8")

AUTHENTICATE = f"with {AUTH_CTES} select {AUTH_COLUMNS} from tok cross join counted"


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Counted:
    token_id: str
    lead_provider_id: str
    count: int
    seconds_left: float

    def check(self, limit: int) -> None:
        """RateLimited when this request was over the limit (it was counted either way)."""
        if self.count > limit:
            raise RateLimited(max(1, math.ceil(self.seconds_left)))


def auth_params(token_hash: str, *, limit: int, window_seconds: int, touch: bool, touch_seconds: int) -> dict:
    return {"token_hash": token_hash, "window": window_seconds, "limit": limit, "touch": touch,
            "touch_seconds": touch_seconds}


def counted_from(row) -> Counted | None:
    """The first four columns of a statement that selected AUTH_COLUMNS; None for an unknown token."""
    if row is None:
        return None
    return Counted(token_id=row[0], lead_provider_id=row[1], count=row[2], seconds_left=row[3])
