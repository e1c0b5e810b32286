"""Flask application factory for the GOV.UK Notify stand-in.

    gunicorn -w 1 --threads 8 'notify_standin.app:create_app()'

State is in memory: run one worker. Every /v2 request passes, in order: a queued fault (POST /_test/faults), then
Notify's authentication (401/403 AuthError), then its handler (the rate limit is the send handler's first check,
as in Notify).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from . import api, page, templates, test_hooks
from .auth import KeyRing, parse_api_key
from .errors import (InternalServerError, NotifyError, RateLimitError, TimeoutServingRequest, json_response)
from .limits import FaultBook, RateLimiter
from .settings import Settings
from .state import Store


@dataclass
class StandIn:
    settings: Settings
    keys: KeyRing
    templates: dict[str, templates.Template]
    store: Store
    faults: FaultBook
    rate_limiter: RateLimiter


def create_app(settings: Settings | dict | None = None) -> Flask:
    settings = Settings.coerce(settings)
    keys = KeyRing([parse_api_key(k, "normal") for k in settings.api_keys]
                   + [parse_api_key(k, "test") for k in settings.test_api_keys])
    app = Flask(__name__, static_folder=None)
    ctx = StandIn(settings=settings, keys=keys, templates=templates.load(settings.templates_file), store=Store(),
                  faults=FaultBook(), rate_limiter=RateLimiter(settings.rate_limit, settings.rate_limit_interval_seconds))
    app.extensions["notify_standin"] = ctx
    app.register_blueprint(api.bp)
    app.register_blueprint(page.bp)
    if settings.test_hooks:
        app.register_blueprint(test_hooks.bp)

    @app.before_request
    def gate_api_requests():
        if not request.path.startswith("/v2/"):
            return None
        fault = ctx.faults.take("send" if request.method == "POST" else "get")
        if fault is not None:
            held = settings.default_fault_seconds if fault.seconds is None else fault.seconds
            if fault.mode == "500":
                return InternalServerError().response()
            if fault.mode == "429":
                return RateLimitError("normal", ctx.rate_limiter.limit, ctx.rate_limiter.interval_seconds).response()
            time.sleep(held)
            if fault.mode == "timeout":  # held, then given up on: nothing was done
                return TimeoutServingRequest().response()
            # "slow": held, then handled as usual
        g.api_key = ctx.keys.authenticate(request.headers.get("Authorization"))
        return None

    @app.get("/_status")
    def status():
        return json_response({"status": "ok"})

    @app.errorhandler(NotifyError)
    def notify_error(exc: NotifyError):
        return exc.response()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return json_response({"status_code": exc.code, "errors": [{"error": exc.name.replace(" ", ""),
                                                                   "message": exc.description}]}, exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        return InternalServerError().response()

    return app
