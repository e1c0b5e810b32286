"""DfE Sign-in's API: a user's roles for a service in one organisation.

Callers authenticate as DSI's public API expects: `Authorization: Bearer <JWT>` signed (HS256) with
the service's API secret, `iss` = the client id, `aud` = `signin.education.gov.uk`.
"""

from __future__ import annotations

import json

import jwt
from flask import Blueprint, Response, current_app, request

from .state import role_view

bp = Blueprint("roles_api", __name__)
API_AUDIENCE = "signin.education.gov.uk"


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _authenticated() -> bool:
    settings = current_app.extensions["dsi_standin"].settings
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        claims = jwt.decode(token.strip(), settings.the_api_secret, algorithms=["HS256"], audience=API_AUDIENCE,
                            options={"require": ["iss", "aud"]})
    except jwt.InvalidTokenError:
        return False
    return claims.get("iss") == settings.client_id


@bp.get("/services/<service_id>/organisations/<organisation_id>/users/<user_id>")
def user_roles(service_id: str, organisation_id: str, user_id: str):
    ctx = current_app.extensions["dsi_standin"]
    if not _authenticated():
        return _json({"error": "unauthorized", "message": "A valid API token is required."}, 401)
    if service_id != ctx.settings.the_service_id:
        return _json({"error": "forbidden", "message": "This client may not read that service."}, 403)
    user = ctx.store.users.get(user_id)
    codes = user.roles.get(organisation_id) if user is not None else None
    if codes is None or organisation_id not in ctx.store.organisations:
        return _json({"error": "not_found", "message": "The user has no access to that service in that organisation."},
                     404)
    return _json({"userId": user.sub, "serviceId": service_id, "organisationId": organisation_id,
                  "roles": [role_view(c, service_id) for c in codes], "identifiers": []})
