"""The shared authentication middleware: every route needs a valid access token unless marked public."""
from __future__ import annotations

from flask import current_app, g, request

from ecf_shared.auth.actor import Principal
from ecf_shared.errors import Unauthorised

PUBLIC_ENDPOINTS = {"ecf_platform.health", "ecf_platform.ready", "ecf_platform.metrics", "api-docs.openapi_json", "static"}


def public(view):
    """Mark a view (function or MethodView class) as reachable without a token."""
    view._ecf_public = True
    return view


def own_authentication(view):
    """Mark a view that authenticates callers itself (lp-api's lead provider tokens), not with a JWT."""
    view._ecf_public = True
    return view


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # unknown route: let Flask answer 404/405
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_ecf_public", False) or getattr(getattr(view, "view_class", None), "_ecf_public", False))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> None:
    g.principal = None
    if request.method == "OPTIONS" or _is_public(request.endpoint):
        return
    token = bearer_token()
    if token is None:
        raise Unauthorised("Sign in: this needs a bearer access token.", code="missing_token",
                           headers={"WWW-Authenticate": 'Bearer realm="ecf"'})
    claims = current_app.extensions["ecf"].verifier.verify(token)
    if claims.get("token_use", "access") != "access":
        raise Unauthorised("That token is not an access token.", code="invalid_token")
    g.principal = Principal.from_claims(claims, token=token)


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthorised("Sign in: this needs a bearer access token.", code="missing_token")
    return principal
