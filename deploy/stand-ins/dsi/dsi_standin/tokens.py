"""ID tokens: what DSI puts in them, and the deliberate faults tests ask for."""

from __future__ import annotations

import base64
import json
import secrets
import time

import jwt

from .keys import SigningKey
from .state import Organisation, User

FAULTS = ("tampered", "expired", "wrong_audience", "wrong_issuer", "wrong_nonce", "foreign_key", "unsigned",
          "no_organisation")
_foreign = None


def _foreign_key() -> SigningKey:
    global _foreign
    if _foreign is None:
        _foreign = SigningKey()
    return _foreign


def id_token_claims(*, issuer: str, client_id: str, user: User, organisation: Organisation | None, nonce: str | None,
                    scope: str, ttl_seconds: int, now: int | None = None) -> dict:
    now = int(time.time()) if now is None else now
    claims = {"iss": issuer, "sub": user.sub, "aud": client_id, "iat": now, "auth_time": now, "exp": now + ttl_seconds}
    if nonce is not None:
        claims["nonce"] = nonce
    scopes = scope.split()
    if "email" in scopes:
        claims["email"] = user.email
    if "profile" in scopes:
        claims.update(given_name=user.given_name, family_name=user.family_name)
    if "organisation" in scopes and organisation is not None:
        claims["organisation"] = organisation.claim()
    return claims


def _tamper(token: str) -> str:
    """Change the payload after signing: the signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "someone.else@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def sign(key: SigningKey, claims: dict, fault: str | None = None) -> str:
    claims = dict(claims)
    if fault == "expired":
        claims.update(iat=claims["iat"] - 3600, auth_time=claims["iat"] - 3600, exp=claims["iat"] - 1800)
    elif fault == "wrong_audience":
        claims["aud"] = "another-service"
    elif fault == "wrong_issuer":
        claims["iss"] = "https://not-dfe-sign-in.example"
    elif fault == "wrong_nonce":
        claims["nonce"] = secrets.token_urlsafe(16)
    elif fault == "no_organisation":
        claims.pop("organisation", None)
    if fault == "foreign_key":
        return _foreign_key().sign(claims)
    if fault == "unsigned":
        return jwt.encode(claims, None, algorithm="none")
    token = key.sign(claims)
    return _tamper(token) if fault == "tampered" else token
