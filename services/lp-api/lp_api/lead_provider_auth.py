"""Lead providers authenticate with their own API tokens (not the platform's JWTs).

`Authorization: Bearer <token>` → the token's keyed hash → an unrevoked token → its lead provider. The lookup,
the rate limit count and the last_used_at write are one statement (rate_limit.AUTHENTICATE); the hot list
route folds them into its page statement instead (fast_lists).
"""
from __future__ import annotations

import threading
import time

from flask import g, request

from ecf_shared.web.app import context
from ecf_shared.web.auth import bearer_token
from lp_api.api_audit import Caller
from lp_api.domain.tokens import token_hash
from lp_api.rate_limit import AUTHENTICATE, Counted, auth_params, counted_from
from lp_api.statement_connections import statement_connections
from lp_api.v3_errors import AccessDenied

LAST_USED_INTERVAL_SECONDS = 60.0
# Set by fast_lists when it has already looked the token up and counted the request (or could not reach
# PostgreSQL: then the error, raised again here).
COUNTED_ENVIRON_KEY = "lp_api.counted"


class LastUsedThrottle:
    """Ask for a token's last_used_at write at most once a minute per process, not on every request (the
    statement also skips the write when another process wrote it within the minute)."""

    def __init__(self, interval: float = LAST_USED_INTERVAL_SECONDS, clock=time.monotonic, max_entries: int = 10_000):
        self.interval = interval
        self.clock = clock
        self.max_entries = max_entries  # keys are what callers present (hashed), valid or not: kept bounded
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            last = self._written.get(key)
            if last is not None and now - last < self.interval:
                return False
            if len(self._written) >= self.max_entries:
                self._written = {k: t for k, t in self._written.items() if now - t < self.interval}
                if len(self._written) >= self.max_entries:
                    self._written.clear()  # a flood of unknown tokens: the statement's own check still holds
            self._written[key] = now
            return True


def last_used_throttle(ctx) -> LastUsedThrottle:
    return ctx.extras.setdefault("last_used_throttle", LastUsedThrottle())


def caller_params(ctx, token: str) -> dict:
    """The statement parameters that identify and count the caller (rate_limit.AUTH_CTES)."""
    settings = ctx.settings
    hashed = token_hash(settings.lp_token_hash_key, token)
    return auth_params(hashed, limit=settings.lp_rate_limit, window_seconds=settings.lp_rate_limit_window_seconds,
                       touch=last_used_throttle(ctx).due(hashed), touch_seconds=int(LAST_USED_INTERVAL_SECONDS))


def authenticate_lead_provider() -> str:
    """The caller's lead provider id, kept in g.lead_provider_id; AccessDenied or RateLimited otherwise."""
    token = bearer_token()
    if token is None:
        raise AccessDenied()
    ctx = context()
    counted = request.environ.get(COUNTED_ENVIRON_KEY)
    if isinstance(counted, Exception):
        raise counted
    if counted is None:
        counted = counted_from(statement_connections(ctx).fetch_one(AUTHENTICATE, caller_params(ctx, token)))
    if counted is None:
        raise AccessDenied()
    counted.check(ctx.settings.lp_rate_limit)
    remember_caller(counted)
    return counted.lead_provider_id


def remember_caller(counted: Counted) -> None:
    g.lead_provider_id = counted.lead_provider_id
    g.lead_provider_token_id = counted.token_id


def current_lead_provider_id() -> str:
    lead_provider_id = g.get("lead_provider_id")
    if lead_provider_id is None:
        raise AccessDenied()
    return lead_provider_id


def current_caller() -> Caller:
    return Caller(lead_provider_id=current_lead_provider_id(), token_id=g.get("lead_provider_token_id"))
