"""/health, /ready and /metrics for every service."""
from __future__ import annotations

import os
import time

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client import REGISTRY

from ecf_shared.bus import amqp

REQUESTS = Counter("ecf_http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
LATENCY = Histogram("ecf_http_request_seconds", "HTTP request latency", ["method", "endpoint"])

blueprint = Blueprint("ecf_platform", __name__)
_BROKER_CHECK_TTL = 5.0
_broker_checked: dict[str, float] = {}


@blueprint.get("/health")
def health():
    return jsonify({"status": "ok", "service": current_app.extensions["ecf"].settings.service_name})


def _check_broker(url: str) -> None:
    now = time.monotonic()
    if now - _broker_checked.get(url, -1e9) < _BROKER_CHECK_TTL:
        return
    connection = amqp.connect(url, name="ready-check")
    connection.close()
    _broker_checked[url] = now


@blueprint.get("/ready")
def ready():
    ctx = current_app.extensions["ecf"]
    checks = {}
    broker = [("broker", lambda: _check_broker(ctx.settings.amqp_url))] if ctx.uses_broker else []
    for name, check in (("database", ctx.db.ping), *broker, *ctx.extra_ready_checks):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports any failure
            checks[name] = f"unavailable: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ready" if ok else "not_ready", "checks": checks}), 200 if ok else 503


@blueprint.get("/metrics")
def metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def observe(app, *, log, user_id=lambda: None, loggable_path=lambda path: path, after=None) -> None:
    """Every request of the app: the correlation id bound (from the caller or new), counted and timed in the
    metrics, logged as one JSON line (the health and metrics probes only counted); `after(response)` runs first."""
    import time

    from flask import g, request

    from ecf_shared import correlation

    @app.before_request
    def _begin():
        g.started = time.perf_counter()
        correlation.bind(request.headers.get(correlation.HEADER))

    @app.after_request
    def _finish(response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.endpoint or "unknown"
        REQUESTS.labels(request.method, endpoint, response.status_code).inc()
        LATENCY.labels(request.method, endpoint).observe(elapsed)
        if after is not None:
            after(response)
        response.headers[correlation.HEADER] = correlation.current()
        if endpoint not in ("ecf_platform.health", "ecf_platform.metrics", "static"):
            log.info("request", method=request.method, path=loggable_path(request.path), status=response.status_code,
                     ms=round(elapsed * 1000, 1), user_id=user_id())
        return response

    @app.teardown_request
    def _clear(_exc):
        correlation.clear()
