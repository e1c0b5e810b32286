"""The OpenID Connect provider: discovery, authorize (sign-in and organisation picker), token, userinfo, JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template_string, request

from .state import AccessToken, Code
from .tokens import id_token_claims, sign

bp = Blueprint("oidc", __name__)

AUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
               "code_challenge_method", "prompt")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DfE Sign-in (stand-in)</title></head>
<body>
<h1>DfE Sign-in <small>(stand-in)</small></h1>
{% if error %}<p role="alert"><strong>{{ error }}</strong></p>{% endif %}
{% if not user %}
  <form method="get" action="{{ action }}">
    {% for k, v in params.items() %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
    <label for="email">Email address</label>
    <select id="email" name="email">
      {% for u in users %}<option value="{{ u.email }}">{{ u.given_name }} {{ u.family_name }} ({{ u.email }})</option>{% endfor %}
    </select>
    <button type="submit">Sign in</button>
  </form>
{% else %}
  <h2>Select your organisation</h2>
  <form method="post" action="{{ action }}">
    {% for k, v in params.items() %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
    <input type="hidden" name="email" value="{{ user.email }}">
    {% for o in organisations %}
      <div><input type="radio" id="org-{{ o.id }}" name="organisation_id" value="{{ o.id }}"{% if loop.first %} checked{% endif %}>
      <label for="org-{{ o.id }}">{{ o.name }}{% if o.urn %} (URN {{ o.urn }}){% endif %}</label></div>
    {% endfor %}
    <button type="submit">Continue</button>
  </form>
{% endif %}
</body></html>"""


def _ctx():
    return current_app.extensions["dsi_standin"]


def issuer() -> str:
    return _ctx().settings.issuer or request.url_root.rstrip("/")


def _json(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store", **(headers or {})})


def _oauth_error(error: str, description: str, status: int = 400, headers: dict | None = None) -> Response:
    return _json({"error": error, "error_description": description}, status, headers)


@bp.get("/.well-known/openid-configuration")
def discovery():
    base = issuer()
    return _json({
        "issuer": base,
        "authorization_endpoint": f"{base}/auth",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/me",
        "jwks_uri": f"{base}/certs",
        "end_session_endpoint": f"{base}/session/end",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "organisation"],
        "claims_supported": ["sub", "email", "given_name", "family_name", "organisation", "nonce", "iss", "aud",
                             "exp", "iat", "auth_time"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    })


@bp.get("/certs")
def certs():
    return _json({"keys": [_ctx().key.public_jwk]})


def _redirect_ok(uri: str) -> bool:
    settings = _ctx().settings
    if settings.redirect_uris:
        return uri in settings.redirect_uris
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def _back(redirect_uri: str, **params) -> Response:
    sep = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(redirect_uri + sep + urlencode({k: v for k, v in params.items() if v is not None}), code=302)


def _validate_authorize(params: dict) -> Response | None:
    """Answer for a request that cannot go on (None when it can)."""
    settings = _ctx().settings
    if params.get("client_id") != settings.client_id:
        return Response("Unknown client_id.", status=400, mimetype="text/plain")
    if not params.get("redirect_uri") or not _redirect_ok(params["redirect_uri"]):
        return Response("redirect_uri is not registered for this client.", status=400, mimetype="text/plain")
    back = params["redirect_uri"]
    state = params.get("state")
    if params.get("response_type") != "code":
        return _back(back, error="unsupported_response_type", error_description="Only response_type=code.", state=state)
    if "openid" not in (params.get("scope") or "").split():
        return _back(back, error="invalid_scope", error_description="The openid scope is required.", state=state)
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return _back(back, error="invalid_request", error_description="PKCE with S256 is required.", state=state)
    return None


@bp.route("/auth", methods=["GET", "POST"])
def authorize():
    source = request.form if request.method == "POST" else request.args
    params = {k: source[k] for k in AUTH_PARAMS if source.get(k)}
    refused = _validate_authorize(params)
    if refused is not None:
        return refused
    store = _ctx().store
    login = source.get("email") or source.get("login_hint")
    user = store.user_by_login(login) if login else None
    if login and user is None:
        return _page(params, None, error="No DfE Sign-in account has that email address.")
    if user is None:
        return _page(params, None)
    if source.get("cancel"):
        return _back(params["redirect_uri"], error="access_denied", state=params.get("state"))
    organisations = store.organisations_of(user)
    if not organisations:
        return _back(params["redirect_uri"], error="access_denied",
                     error_description="The user has no organisation with access to this service.",
                     state=params.get("state"))
    chosen = source.get("organisation_id")
    if chosen is None and len(organisations) == 1:
        chosen = organisations[0].id  # as DSI: nothing to pick
    if chosen is None:
        return _page(params, user, organisations)
    if chosen not in {o.id for o in organisations}:
        return _page(params, user, organisations, error="Choose one of your organisations.", status=400)
    code = store.new_code(Code(
        client_id=params["client_id"], redirect_uri=params["redirect_uri"], sub=user.sub, organisation_id=chosen,
        scope=params.get("scope", "openid"), nonce=params.get("nonce"), code_challenge=params["code_challenge"],
        expires_at=time.time() + _ctx().settings.code_ttl_seconds))
    return _back(params["redirect_uri"], code=code, state=params.get("state"))


def _page(params, user, organisations=(), error=None, status: int = 200):
    users = sorted(_ctx().store.users.values(), key=lambda u: u.email)
    body = render_template_string(PAGE, action=request.path, params=params, user=user, users=users,
                                  organisations=organisations, error=error)
    return Response(body, status=status, mimetype="text/html")


def _client_credentials() -> tuple[str | None, str | None]:
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.username, request.authorization.password
    return request.form.get("client_id"), request.form.get("client_secret")


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@bp.post("/token")
def token():
    ctx = _ctx()
    settings = ctx.settings
    client_id, secret = _client_credentials()
    if client_id != settings.client_id or not hmac.compare_digest(secret or "", settings.client_secret):
        return _oauth_error("invalid_client", "Client authentication failed.", 401,
                            {"WWW-Authenticate": 'Basic realm="dsi"'})
    if request.form.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Only authorization_code.")
    code = ctx.store.take_code(request.form.get("code", ""))
    if code is None or code.client_id != client_id:
        return _oauth_error("invalid_grant", "The code is unknown, used or expired.")
    if request.form.get("redirect_uri") != code.redirect_uri:
        return _oauth_error("invalid_grant", "redirect_uri does not match the authorization request.")
    verifier = request.form.get("code_verifier", "")
    if not verifier or not hmac.compare_digest(pkce_s256(verifier), code.code_challenge):
        return _oauth_error("invalid_grant", "PKCE verification failed.")
    user = ctx.store.users.get(code.sub)
    organisation = ctx.store.organisations.get(code.organisation_id)
    if user is None:
        return _oauth_error("invalid_grant", "The user no longer exists.")
    claims = id_token_claims(issuer=issuer(), client_id=client_id, user=user, organisation=organisation,
                             nonce=code.nonce, scope=code.scope, ttl_seconds=settings.id_token_ttl_seconds)
    access = ctx.store.new_access_token(AccessToken(sub=user.sub, organisation_id=code.organisation_id,
                                                    scope=code.scope, expires_at=time.time() + 3600))
    return _json({"access_token": access, "token_type": "Bearer", "expires_in": 3600, "scope": code.scope,
                  "id_token": sign(ctx.key, claims, ctx.store.next_fault())})


@bp.route("/me", methods=["GET", "POST"])
def userinfo():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    token = _ctx().store.access_token(value.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return _oauth_error("invalid_token", "A valid access token is required.", 401,
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user = _ctx().store.users.get(token.sub)
    if user is None:
        return _oauth_error("invalid_token", "The user no longer exists.", 401)
    org = _ctx().store.organisations.get(token.organisation_id)
    body = user.claims()
    if org is not None and "organisation" in token.scope.split():
        body["organisation"] = org.claim()
    return _json(body)
