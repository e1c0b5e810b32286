"""Flask application factory for the TRS stand-in.

    gunicorn -w 1 --threads 8 'trs_standin.app:create_app()'

Order of the gates every /v3 request passes (before its handler runs):
  1. X-Api-Version missing/unsupported, or no such route -> bare 404 (bare 405 for a
     known path with the wrong method), as in TRS: the versioned route does not exist,
     so authentication never runs;
  2. Authorization: Bearer <key> missing/unknown -> 401;
  3. read-only key on a PUT -> 403;
  4. optional rate limit (TRS_RATE_LIMIT_PER_MINUTE) -> 429 + Retry-After;
  5. injected fault (POST /_test/faults) -> 429 / 500 / delay / timeout.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import api, problems as p, test_hooks
from .dates import fmt_timestamp, utcnow
from .faults import FaultBook, RateLimiter
from .settings import Settings
from .state import Store


@dataclass
class StandIn:
    settings: Settings
    store: Store
    faults: FaultBook
    rate_limiter: RateLimiter


def _is_api_path() -> bool:
    return request.path == "/v3" or request.path.startswith("/v3/")


def _bearer_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def create_app(settings: Settings | dict | None = None) -> Flask:
    settings = Settings.coerce(settings)
    app = Flask(__name__, static_folder=None)
    ctx = StandIn(settings=settings, store=Store(), faults=FaultBook(),
                  rate_limiter=RateLimiter(settings.rate_limit_per_minute))
    app.extensions["trs_standin"] = ctx
    app.register_blueprint(api.bp)
    if settings.test_hooks:
        app.register_blueprint(test_hooks.bp)

    @app.before_request
    def gate_api_requests():
        if not _is_api_path():
            return None
        g.received_at = utcnow()
        g.kind = api.KINDS.get(request.endpoint or "")
        g.fault = None
        if request.headers.get("X-Api-Version", "").strip() not in settings.supported_versions:
            return p.bare(404)
        if request.routing_exception is not None or request.url_rule is None:
            return p.bare(getattr(request.routing_exception, "code", None) or 404)
        key = _bearer_key()
        if key is None or key not in settings.all_keys:
            return p.problem(401, "Unauthorized", "A valid API key is required.",
                             headers={"WWW-Authenticate": "Bearer"})
        if request.method == "PUT" and key in settings.readonly_keys:
            return p.problem(403, "Forbidden", "This API key may not make changes.")
        retry_after = ctx.rate_limiter.check(key)
        if retry_after is not None:
            return p.problem(429, "Too Many Requests", "Rate limit exceeded.",
                             headers={"Retry-After": str(retry_after)})
        if g.kind is None:
            return None
        fault = ctx.faults.take(g.kind)
        if fault is None:
            return None
        g.fault = fault.mode
        return _apply_fault(fault, settings)

    @app.after_request
    def log_api_request(response: Response):
        if _is_api_path() and getattr(g, "kind", None):
            ctx.store.log(_log_entry(response))
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _is_api_path():
            return p.bare(exc.code or 500)
        return p.problem(exc.code or 500, exc.name, exc.description)

    return app


def _apply_fault(fault, settings: Settings) -> Response | None:
    if fault.mode == "429":
        seconds = 1 if fault.seconds is None else fault.seconds
        return p.problem(429, "Too Many Requests", "Injected fault.",
                         headers={"Retry-After": str(max(0, math.ceil(seconds)))})
    if fault.mode == "500":
        return p.problem(500, "Internal Server Error", "Injected fault.")
    if fault.mode == "slow":
        time.sleep(settings.default_slow_seconds if fault.seconds is None else fault.seconds)
        return None  # then handled normally
    if fault.mode == "timeout":
        time.sleep(settings.default_timeout_seconds if fault.seconds is None else fault.seconds)
        return p.problem(504, "Gateway Timeout", "Injected fault: the request was not processed.")
    return None


def _log_entry(response: Response) -> dict:
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = raw.decode("utf-8", errors="replace")
    error_code = None
    if response.mimetype == "application/problem+json":
        try:
            error_code = json.loads(response.get_data()).get("errorCode")
        except (ValueError, AttributeError):
            error_code = None
    return {
        "kind": g.kind,
        "method": request.method,
        "path": request.full_path.rstrip("?"),
        "trn": (request.view_args or {}).get("trn"),
        "body": body,
        "status": response.status_code,
        "errorCode": error_code,
        "fault": g.fault,
        "receivedAt": fmt_timestamp(g.received_at),
    }
