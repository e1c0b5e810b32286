"""The v3 lead provider API's blueprint, served under /api/v3: authentication, rate limit, shared answers,
and the v3 document (JSON and a readable page). The resources' routes are in *_api modules.

Every route authenticates with lead provider tokens (see lead_provider_auth) instead of the platform's
JWTs: views are marked `own_authentication` so the shared middleware lets them through, and this
blueprint's before_request does the check. Errors answer in v3's format (v3_errors).
"""
from __future__ import annotations

import json
import uuid

from flask import Response, request
from flask_smorest import Blueprint

from ecf_shared.web.auth import public
from lp_api import v3_errors
from lp_api.lead_provider_auth import authenticate_lead_provider
from lp_api.v3_document import v3_docs_html, v3_openapi_bytes

blp = Blueprint("lp-api-v3", __name__, url_prefix="/api/v3",
                description="Lead provider API v3 (authenticate with a lead provider API token)")
v3_errors.register(blp)

PUBLIC_ENDPOINTS = {"lp-api-v3.v3_openapi", "lp-api-v3.v3_docs"}


@blp.before_request
def _authenticate():
    if request.method == "OPTIONS" or request.endpoint in PUBLIC_ENDPOINTS:
        return
    authenticate_lead_provider()


def json_response(text: str) -> Response:
    return Response(text, status=200, mimetype="application/json")


def data_list(documents: list[str]) -> Response:
    # Stored documents are already v3 resources: joined, not re-serialised.
    return json_response('{"data":[' + ",".join(documents) + "]}")


def data_one(document: str | None) -> Response:
    if document is None:
        raise v3_errors.not_found()  # another provider's resource is as unknown as a missing one
    return json_response('{"data":' + document + "}")


def resources(items: list[dict]) -> Response:
    return json_response(json.dumps({"data": items}, separators=(",", ":")))


def resource(items: list[dict]) -> Response:
    if not items:
        raise v3_errors.not_found()
    return json_response(json.dumps({"data": items[0]}, separators=(",", ":")))


def resource_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise v3_errors.not_found() from None


@blp.route("/openapi.json", endpoint="v3_openapi")
@public
def v3_openapi():
    """The v3 OpenAPI document (public)."""
    return Response(v3_openapi_bytes(), mimetype="application/json")


@blp.route("/docs", endpoint="v3_docs")
@public
def v3_docs():
    """The v3 document as a readable page (public, no external assets)."""
    return Response(v3_docs_html(), mimetype="text/html")
