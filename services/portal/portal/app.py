"""The portal's Flask app: templates (GOV.UK Frontend through govuk-frontend-jinja), server-side sessions, CSRF on
every form, security headers, the services reached through the gateway, and the pages (http/)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from ecf_shared.db import Database
from ecf_shared.logging import get_logger
from ecf_shared.web import platform
from ecf_shared.web.app import ServiceContext
from portal.adapters.form_tokens import FormTokens
from portal.adapters.gateway import Gateway
from portal.adapters.sessions import PostgresSessionInterface
from portal.adapters.tokens import TokenStore
from portal.settings import PortalSettings

log = get_logger("http")
SERVICE_NAME = "Register early career teachers"


@dataclass
class Portal:
    """What every page reaches: settings, the gateway, the token store and the one-time form tokens."""

    settings: PortalSettings
    db: Database
    gateway: Gateway
    tokens: TokenStore
    form_tokens: FormTokens


def create_app(settings: PortalSettings, *, gateway: Gateway | None = None) -> Flask:
    if len(settings.secret_key) < 32:
        raise RuntimeError("SECRET_KEY must be set to at least 32 characters (it signs CSRF tokens and encrypts "
                           "the tokens the portal keeps).")
    app = Flask("portal", static_folder="static", static_url_path="/assets")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="ecf_portal_session",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=True,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.jinja_loader = ChoiceLoader([PackageLoader("portal"),
                                     PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    db = Database(settings.database_url, settings.db_schema)
    gateway = gateway or Gateway(settings.gateway_url, timeout=settings.service_timeout_seconds)
    app.extensions["portal"] = Portal(settings, db, gateway, TokenStore(db.engine, settings.secret_key),
                                      FormTokens(db.engine))
    app.extensions["ecf"] = ServiceContext(settings=settings, db=db, verifier=None, uses_broker=False,
                                           extra_ready_checks=[("gateway", lambda: _gateway_up(gateway))])
    app.session_interface = PostgresSessionInterface(
        db.engine, idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_max_hours), cookie_secure=settings.cookie_secure)
    CSRFProtect(app)
    app.register_blueprint(platform.blueprint)

    from portal.http import register

    register(app)

    platform.observe(app, log=log, loggable_path=_loggable, after=_security_headers)
    return app


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def _security_headers(response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.headers.get("X-Forwarded-Proto", request.scheme) == "https":
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Pages hold people's data: never kept by the browser, so after signing out the back button shows nothing.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"


def _loggable(path: str) -> str:
    """The path as logged: an invitation link's token is a secret, so it never reaches the logs."""
    return re.sub(r"^/invitations/[^/]+", "/invitations/[token]", path)


def _gateway_up(gateway: Gateway) -> None:
    gateway.call("GET", "/health")


def from_env():
    from ecf_shared import logging

    settings = PortalSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
