"""Sign-in for the registered client (the portal): OAuth 2's authorization code pattern in front of DfE Sign-in.

The client sends the browser to `GET /sign-in` with its client id, one of its registered redirect URIs, a state
and a PKCE challenge. After DfE Sign-in, accounts sends the browser back to that redirect URI with a one-time
code (stored only hashed, usable once, for a minute) or with an error code. The client's server exchanges the
code at `POST /sign-in/token` with its secret and the PKCE verifier. So the tokens travel only between servers:
never through the browser.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, UTC
from urllib.parse import urlencode, urlsplit

from accounts import sessions
from accounts.domain.model import OidcRequest, Session, SignInCode
from ecf_shared.errors import AppError, Invalid, Unauthorised


class InvalidGrant(AppError):
    status = 400
    code = "invalid_grant"


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def check_request(settings, query: dict) -> dict | None:
    """The client's part of a sign-in request (None when no client asked); Invalid when it is not registered."""
    if not query.get("client_id"):
        return None
    errors = {}
    if not settings.signin_client_id or query["client_id"] != settings.signin_client_id:
        errors["client_id"] = ["Unknown client."]
    if query.get("redirect_uri") not in settings.signin_redirect_uri_list:
        errors["redirect_uri"] = ["Not a registered redirect URI of this client."]
    if not query.get("state"):
        errors["state"] = ["Required."]
    if not query.get("code_challenge") or query.get("code_challenge_method") != "S256":
        errors["code_challenge"] = ["A PKCE S256 challenge is required."]
    if errors:
        raise Invalid("This sign-in request is not from a registered client.", code="invalid_client_request",
                      fields=errors)
    return {k: query[k] for k in ("client_id", "redirect_uri", "state", "code_challenge")}


def back_to_client(redirect_uri: str, **params) -> str:
    sep = "&" if urlsplit(redirect_uri).query else "?"
    return redirect_uri + sep + urlencode({k: v for k, v in params.items() if v is not None})


def error_redirect(settings, req: OidcRequest | None, error: AppError) -> str | None:
    """Where to send the browser when a client's sign-in fails: its redirect URI with the error code and message.
    When the request itself is unknown (a used or forged state), the client's first registered redirect URI."""
    if req is not None and req.client_redirect_uri:
        return back_to_client(req.client_redirect_uri, error=error.code, error_description=error.message,
                              state=req.client_state)
    if req is None and settings.signin_redirect_uri_list:
        return back_to_client(settings.signin_redirect_uri_list[0], error=error.code, error_description=error.message)
    return None


def redirect_with_code(db_session, settings, req: OidcRequest, sess: Session) -> str:
    db_session.query(SignInCode).filter(SignInCode.expires_at < _now()).delete(synchronize_session=False)
    code = secrets.token_urlsafe(32)
    db_session.add(SignInCode(code_hash=_hash(code), client_id=req.client_id, redirect_uri=req.client_redirect_uri,
                              code_challenge=req.client_code_challenge, session_id=sess.id,
                              expires_at=_now() + timedelta(seconds=settings.signin_code_ttl_seconds)))
    return back_to_client(req.client_redirect_uri, code=code, state=req.client_state)


def _client_authenticated(settings, client_id: str, client_secret: str) -> bool:
    return bool(settings.signin_client_id and settings.signin_client_secret
                and hmac.compare_digest(client_id.encode(), settings.signin_client_id.encode())
                and hmac.compare_digest(_hash(client_secret), _hash(settings.signin_client_secret)))


def take_code(db_session, settings, body: dict) -> SignInCode | None:
    """Authenticate the client and remove the code it presents, so the code never works twice (the caller
    commits this before checking the code any further)."""
    if not _client_authenticated(settings, body["client_id"], body["client_secret"]):
        raise Unauthorised("Client authentication failed.", code="invalid_client")
    found = db_session.query(SignInCode).filter_by(code_hash=_hash(body["code"])).with_for_update().first()
    if found is not None:
        db_session.delete(found)
    return found


def tokens_for(db_session, settings, key, found: SignInCode | None, body: dict) -> dict:
    if found is None:
        raise InvalidGrant("The code is unknown or was already used.")
    if found.expires_at <= _now():
        raise InvalidGrant("The code has expired; sign in again.")
    if found.client_id != body["client_id"] or found.redirect_uri != body["redirect_uri"]:
        raise InvalidGrant("The code was issued to another client or redirect URI.")
    if not hmac.compare_digest(pkce_s256(body["code_verifier"]), found.code_challenge):
        raise InvalidGrant("PKCE verification failed.")
    return sessions.rotate(db_session, settings, key, db_session.get(Session, found.session_id, with_for_update=True))
