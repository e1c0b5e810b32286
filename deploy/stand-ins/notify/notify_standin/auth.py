"""Notify's API-key authentication.

An API key is one string, `{key_name}-{service_id}-{secret}`: the service id and the secret are both UUIDs, and
the clients take them from the end of the string (the last 36 characters are the secret, the 36 before the last
hyphen but one the service id), so a key name may itself hold hyphens. Each request carries
`Authorization: Bearer <JWT>`, the JWT signed HS256 with the secret, `iss` = the service id and `iat` = now (Notify
allows 30 seconds either way). The checks run in Notify's order and refuse with its messages.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from .errors import GENERAL_TOKEN_ERROR, AuthError

CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class ApiKey:
    name: str
    service_id: str
    secret: str
    key_type: str  # "normal" (live) or "test", as Notify names them


def parse_api_key(key: str, key_type: str) -> ApiKey:
    service_id, secret = key[-73:-37], key[-36:]
    if len(key) < 74 or key[-74] != "-" or key[-37] != "-":
        raise ValueError(f"an API key looks like {{key_name}}-{{service_id}}-{{secret}}, not {key[:12]!r}...")
    for part in (service_id, secret):
        uuid.UUID(part)  # ValueError when it is not one
    return ApiKey(name=key[:-74], service_id=service_id, secret=secret, key_type=key_type)


class KeyRing:
    """Every configured key, by service."""

    def __init__(self, keys: list[ApiKey]):
        self.by_service: dict[str, list[ApiKey]] = {}
        for key in keys:
            self.by_service.setdefault(key.service_id, []).append(key)

    def authenticate(self, authorization: str | None, now: float | None = None) -> ApiKey:
        if not authorization:
            raise AuthError("Unauthorized: authentication token must be provided", 401)
        if authorization[:7].title() != "Bearer ":
            raise AuthError("Unauthorized: authentication bearer scheme must be used", 401)
        token = authorization[7:]
        issuer = _issuer(token)
        try:
            service_id = str(uuid.UUID(str(issuer)))
        except ValueError:
            raise AuthError("Invalid token: service id is not the right data type") from None
        keys = self.by_service.get(service_id)
        if keys is None:
            raise AuthError("Invalid token: service not found")
        for key in keys:
            if _signed_with(token, key.secret, time.time() if now is None else now):
                return key
        raise AuthError("Invalid token: API key not found")


def _issuer(token: str):
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise AuthError(GENERAL_TOKEN_ERROR) from None
    if "iss" not in claims:
        raise AuthError("Invalid token: iss field not provided")
    return claims["iss"]


def _signed_with(token: str, secret: str, now: float) -> bool:
    """True when this secret signed the token and its iat is within the allowed skew; False when another secret
    signed it (or it has no iat: Notify then goes on to the next key, and ends with "API key not found")."""
    try:
        claims = jwt.decode(token, key=secret, algorithms=["HS256"],
                            options={"verify_iat": False, "verify_exp": False, "verify_nbf": False})
    except jwt.InvalidAlgorithmError:
        raise AuthError("Invalid token: algorithm used is not HS256") from None
    except jwt.InvalidSignatureError:
        return False
    except jwt.InvalidTokenError:
        raise AuthError(GENERAL_TOKEN_ERROR) from None
    if "iat" not in claims:
        return False
    try:
        issued_at = int(claims["iat"])
    except (TypeError, ValueError):
        raise AuthError(GENERAL_TOKEN_ERROR) from None
    if abs(now - issued_at) > CLOCK_SKEW_SECONDS:
        raise AuthError("Error: Your system clock must be accurate to within 30 seconds")
    return True
