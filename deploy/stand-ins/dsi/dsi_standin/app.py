"""Flask application factory for the DfE Sign-in stand-in.

    gunicorn -w 1 --threads 8 'dsi_standin.app:create_app()'

State is in memory: run one worker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from . import oidc, roles_api, test_hooks
from .keys import SigningKey
from .settings import Settings
from .state import Store


@dataclass
class StandIn:
    settings: Settings
    store: Store
    key: SigningKey


def create_app(settings: Settings | dict | None = None) -> Flask:
    settings = Settings.coerce(settings)
    app = Flask(__name__, static_folder=None)
    store = Store()
    if settings.seed_file:
        with open(settings.seed_file) as fh:
            test_hooks.seed(store, json.load(fh))
    app.extensions["dsi_standin"] = StandIn(settings=settings, store=store, key=SigningKey(settings.signing_key_pem))
    app.register_blueprint(oidc.bp)
    app.register_blueprint(roles_api.bp)
    if settings.test_hooks:
        app.register_blueprint(test_hooks.bp)

    @app.get("/health")
    def health():
        return Response(json.dumps({"status": "ok"}), mimetype="application/json")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return Response(json.dumps({"error": exc.name.lower().replace(" ", "_"), "error_description": exc.description}),
                        status=exc.code or 500, mimetype="application/json")

    return app
