"""Building a service's Flask app: OpenAPI, errors, auth, correlation ids, logs and metrics, the same everywhere."""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Iterable

from flask import Flask, g, request
from werkzeug.exceptions import UnsupportedMediaType

from ecf_shared.auth.tokens import TokenVerifier
from ecf_shared.db import Database
from ecf_shared.logging import get_logger
from ecf_shared.settings import Settings
from ecf_shared.uow import UnitOfWork
from ecf_shared.web import auth, errors, platform, request_guard

log = get_logger("http")


@dataclass
class ServiceContext:
    settings: Settings
    db: Database
    verifier: TokenVerifier | None
    api: errors.JsonErrorsApi | None = None
    uses_broker: bool = True  # /ready checks RabbitMQ only for services that use it
    extra_ready_checks: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    # Writes are checked against the service's membership_copies (ecf_shared.auth.revocation) before they run.
    membership_copy: bool = False
    extras: dict = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, producer=self.settings.service_name)


def build_app(settings: Settings, *, title: str, blueprints: Iterable, db: Database | None = None,
              description: str = "", verifier: TokenVerifier | None = None, membership_copy: bool = True) -> Flask:
    """`membership_copy`: the service keeps membership_copies and refuses writes of tokens it shows stale; only
    accounts, which holds the memberships themselves, says False."""
    app = Flask(settings.service_name)
    app.json = request_guard.GuardedJSONProvider(app)
    app.url_map.converters["int"] = request_guard.BoundedIntegerConverter
    app.config.update(
        API_TITLE=title,
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    ctx = ServiceContext(
        settings=settings,
        db=db or Database(settings.database_url, settings.db_schema),
        verifier=verifier or TokenVerifier(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                           jwks_url=settings.jwks_url, jwks_json=settings.jwks_json),
        membership_copy=membership_copy,
    )
    app.extensions["ecf"] = ctx
    api = errors.JsonErrorsApi(app)
    ctx.api = api
    errors.register(app)
    app.register_blueprint(platform.blueprint)
    for bp in blueprints:
        api.register_blueprint(bp)

    platform.observe(app, log=log, user_id=lambda: g.principal.user_id if g.get("principal") else None)

    @app.before_request
    def _authenticate():
        view = app.view_functions.get(request.endpoint)
        max_body_bytes = getattr(view, "_ecf_max_body_bytes", None)
        if max_body_bytes is not None:  # before anything reads the body (the request guard reads a form's)
            request.max_content_length = max_body_bytes(ctx.settings)
        if request.method in ("POST", "PUT", "PATCH") and request.content_length and not request.is_json:
            if not getattr(view, "_ecf_accepts_any_body", False):
                raise UnsupportedMediaType("Send JSON with Content-Type: application/json.")
        auth.authenticate()
        request_guard.check_request()

    return app


def context() -> ServiceContext:
    from flask import current_app

    return current_app.extensions["ecf"]


def accepts_any_body(view):
    view._ecf_accepts_any_body = True
    return view


def accepts_upload(max_body_bytes: Callable[[Settings], int]):
    """Mark a view that takes a file upload (any body) larger than MAX_BODY_BYTES: `max_body_bytes(settings)` is its
    own limit, past which the request is refused with 413 before the body is read. The gateway's limit for the
    route must be at least as large."""
    def mark(view):
        view._ecf_accepts_any_body = True
        view._ecf_max_body_bytes = max_body_bytes
        return view
    return mark
