"""The shared authentication middleware: every route needs a valid access token unless marked public."""
from __future__ import annotations

from flask import current_app, g, request

from ecf_shared.auth import revocation
from ecf_shared.auth.actor import Principal
from ecf_shared.errors import Unauthorised

PUBLIC_ENDPOINTS = {"ecf_platform.health", "ecf_platform.ready", "ecf_platform.metrics", "api-docs.openapi_json", "static"}


HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _document_security(view, security: list) -> None:
    """Say in the OpenAPI document how this view authenticates (flask-smorest reads `_apidoc`)."""
    functions = [getattr(view, m) for m in HTTP_METHODS if hasattr(view, m)] if isinstance(view, type) else [view]
    for fn in functions:
        apidoc = dict(getattr(fn, "_apidoc", {}))
        apidoc["manual_doc"] = {**apidoc.get("manual_doc", {}), "security": security}
        fn._apidoc = apidoc


def public(view):
    """Mark a view (function or MethodView class) as reachable without a token."""
    view._ecf_public = True
    _document_security(view, [])
    return view


def own_authentication(view, security: list | None = None):
    """Mark a view that authenticates callers itself (lp-api's lead provider tokens), not with a JWT."""
    view._ecf_public = True
    if security is not None:
        _document_security(view, security)
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
    ctx = current_app.extensions["ecf"]
    claims = ctx.verifier.verify(token)
    if claims.get("token_use", "access") != "access":
        raise Unauthorised("That token is not an access token.", code="invalid_token")
    g.principal = Principal.from_claims(claims, token=token)
    if ctx.membership_copy and request.method not in revocation.READ_ONLY_METHODS:
        # Every write, whatever its route: a membership removed or weakened since the token's issue counts now.
        g.principal = revocation.enforce(ctx.db, g.principal, claims["iat"])


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthorised("Sign in: this needs a bearer access token.", code="missing_token")
    return principal
