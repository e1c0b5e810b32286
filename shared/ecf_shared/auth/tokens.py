"""Verifying access tokens issued by accounts: signature (JWKS), expiry, audience and issuer."""
from __future__ import annotations

import json

import jwt
from jwt import PyJWKClient, PyJWKSet

from ecf_shared.errors import Unauthorised

ALGORITHMS = ["RS256", "ES256"]


class TokenVerifier:
    def __init__(self, *, issuer: str, audience: str, jwks_url: str = "", jwks_json: str = ""):
        self.issuer = issuer
        self.audience = audience
        self._static = PyJWKSet.from_json(jwks_json) if jwks_json else None
        self._client = None if jwks_json else PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)

    def _key(self, token: str):
        if self._static is not None:
            kid = jwt.get_unverified_header(token).get("kid")
            for key in self._static.keys:
                if key.key_id == kid:
                    return key.key
            raise Unauthorised("The access token was signed by an unknown key.", code="invalid_token")
        return self._client.get_signing_key_from_jwt(token).key

    def verify(self, token: str) -> dict:
        try:
            key = self._key(token)
            return jwt.decode(
                token, key, algorithms=ALGORITHMS, audience=self.audience, issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]}, leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorised("The access token has expired.", code="token_expired") from None
        except jwt.PyJWKClientError as exc:
            raise Unauthorised(f"The access token's signing key is unavailable: {exc}", code="invalid_token") from None
        except (jwt.InvalidTokenError, json.JSONDecodeError, ValueError) as exc:
            raise Unauthorised(f"The access token is invalid: {exc}", code="invalid_token") from None
