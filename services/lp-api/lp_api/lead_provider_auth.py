"""Lead providers authenticate with their own API tokens (not the platform's JWTs).

`Authorization: Bearer <token>` → the token's keyed hash → an unrevoked token → its lead provider.
"""
from __future__ import annotations

import threading
import time

from flask import g

from ecf_shared.web.app import context
from ecf_shared.web.auth import bearer_token
from lp_api.api_audit import Caller
from lp_api.rate_limit import count_request
from lp_api.token_store import find_active_token, record_use
from lp_api.v3_errors import AccessDenied

LAST_USED_INTERVAL_SECONDS = 60.0


class LastUsedThrottle:
    """Write a token's last_used_at at most once a minute per process, not on every request."""

    def __init__(self, interval: float = LAST_USED_INTERVAL_SECONDS, clock=time.monotonic):
        self.interval = interval
        self.clock = clock
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, token_id: str) -> bool:
        now = self.clock()
        with self._lock:
            last = self._written.get(token_id)
            if last is not None and now - last < self.interval:
                return False
            self._written[token_id] = now
            return True


def _throttle() -> LastUsedThrottle:
    return context().extras.setdefault("last_used_throttle", LastUsedThrottle())


def authenticate_lead_provider() -> str:
    """The caller's lead provider id, kept in g.lead_provider_id; AccessDenied otherwise."""
    token = bearer_token()
    if token is None:
        raise AccessDenied()
    ctx = context()
    settings = ctx.settings
    with ctx.db.engine.connect() as connection:
        found = find_active_token(connection, settings.lp_token_hash_key, token)
        if found is None:
            raise AccessDenied()
        try:
            count_request(connection, found.id, limit=settings.lp_rate_limit,
                          window_seconds=settings.lp_rate_limit_window_seconds)
        finally:
            if _throttle().due(found.id):
                record_use(connection, found.id)
            connection.commit()
    g.lead_provider_id = found.lead_provider_id
    g.lead_provider_token_id = found.id
    return found.lead_provider_id


def current_lead_provider_id() -> str:
    lead_provider_id = g.get("lead_provider_id")
    if lead_provider_id is None:
        raise AccessDenied()
    return lead_provider_id


def current_caller() -> Caller:
    return Caller(lead_provider_id=current_lead_provider_id(), token_id=g.get("lead_provider_token_id"))
