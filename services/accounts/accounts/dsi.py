"""DfE Sign-in: the OpenID Connect client (authlib) and the roles API client.

Configured by the issuer URL alone: endpoints and keys come from its discovery document and JWKS
(both cached; the JWKS is fetched again when a token names a key it does not hold, as after a key
rotation). Authorization code flow with PKCE (S256); the state, nonce and code verifier are kept
server-side (oidc_requests), used once and short-lived.
"""
from __future__ import annotations

import threading
import time

import jwt as pyjwt
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from accounts.settings import AccountsSettings
from ecf_shared.errors import NotFound, Unauthorised, Unavailable

ROLES_API_AUDIENCE = "signin.education.gov.uk"
CLAIM_CODES = {"aud": "id_token_wrong_audience", "iss": "id_token_wrong_issuer", "nonce": "invalid_nonce",
               "exp": "id_token_expired", "sub": "invalid_id_token"}


class DsiClient:
    def __init__(self, settings: AccountsSettings, http: requests.Session | None = None):
        self.settings = settings
        self.http = http or requests.Session()
        self._lock = threading.Lock()
        self._metadata: dict | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.dsi_issuer_url and self.settings.dsi_client_id)

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/sign-in/callback"

    def _get(self, url: str) -> dict:
        try:
            response = self.http.get(url, timeout=self.settings.http_timeout_seconds)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise Unavailable(f"DfE Sign-in is unavailable: {exc}", code="dsi_unavailable") from None

    def metadata(self) -> dict:
        if not self.enabled:
            raise NotFound("DfE Sign-in is not configured here.", code="dsi_not_configured")
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > 3600:
                url = self.settings.dsi_issuer_url.rstrip("/") + "/.well-known/openid-configuration"
                self._metadata, self._metadata_at = self._get(url), time.monotonic()
            return self._metadata

    def _keyset(self, refresh: bool = False) -> KeySet:
        with self._lock:
            cached = self._keys
        if cached is None or refresh:
            cached = KeySet.import_key_set(self._get(self.metadata()["jwks_uri"]))
            with self._lock:
                self._keys = cached
        return cached

    def _oauth(self) -> OAuth2Session:
        return OAuth2Session(self.settings.dsi_client_id, self.settings.dsi_client_secret,
                             scope=self.settings.dsi_scopes, redirect_uri=self.redirect_uri,
                             code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic")

    def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        url, _ = self._oauth().create_authorization_url(self.metadata()["authorization_endpoint"], state=state,
                                                        nonce=nonce, code_verifier=code_verifier)
        return url

    def exchange(self, code: str, code_verifier: str) -> dict:
        """The token response for an authorization code (with the PKCE verifier)."""
        try:
            return dict(self._oauth().fetch_token(self.metadata()["token_endpoint"], grant_type="authorization_code",
                                                  code=code, code_verifier=code_verifier,
                                                  timeout=self.settings.http_timeout_seconds))
        except OAuthError as exc:
            raise Unauthorised(f"DfE Sign-in refused the code: {exc.error} {exc.description or ''}".strip(),
                               code="code_exchange_failed") from None
        except requests.RequestException as exc:
            raise Unavailable(f"DfE Sign-in is unavailable: {exc}", code="dsi_unavailable") from None

    def verify_id_token(self, id_token: str | None, nonce: str) -> dict:
        """Signature (JWKS), issuer, audience, expiry and nonce; a clear 401 code for each refusal."""
        if not id_token:
            raise Unauthorised("DfE Sign-in sent no ID token.", code="invalid_id_token")
        try:
            try:
                token = jwt.decode(id_token, self._keyset(), algorithms=["RS256"])
            except JoseError as exc:
                if type(exc).__name__ not in ("InvalidKeyIdError", "MissingKeyError", "BadSignatureError"):
                    raise
                token = jwt.decode(id_token, self._keyset(refresh=True), algorithms=["RS256"])  # keys rotated?
            registry = jwt.JWTClaimsRegistry(
                leeway=self.settings.oidc_leeway_seconds,
                iss={"essential": True, "value": self.metadata()["issuer"]},
                aud={"essential": True, "value": self.settings.dsi_client_id},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True}, iat={"essential": True}, sub={"essential": True})
            registry.validate(token.claims)
        except ExpiredTokenError:
            raise Unauthorised("The DfE Sign-in ID token has expired.", code="id_token_expired") from None
        except ClaimError as exc:
            raise Unauthorised(f"The DfE Sign-in ID token was refused: {exc.description}",
                               code=CLAIM_CODES.get(exc.claim, "invalid_id_token")) from None
        except (JoseError, ValueError) as exc:
            raise Unauthorised(f"The DfE Sign-in ID token is not valid: {exc}", code="invalid_id_token") from None
        return dict(token.claims)

    def role_codes(self, user_id: str, organisation_id: str) -> list[str]:
        """The user's roles for this service in that organisation ([] when none)."""
        s = self.settings
        now = int(time.time())
        bearer = pyjwt.encode({"iss": s.dsi_client_id, "aud": ROLES_API_AUDIENCE, "iat": now, "exp": now + 60},
                              s.dsi_api_secret or s.dsi_client_secret, algorithm="HS256")
        base = (s.dsi_api_url or s.dsi_issuer_url).rstrip("/")
        url = f"{base}/services/{s.dsi_service_id or s.dsi_client_id}/organisations/{organisation_id}/users/{user_id}"
        try:
            response = self.http.get(url, headers={"Authorization": f"Bearer {bearer}"}, timeout=s.http_timeout_seconds)
        except requests.RequestException as exc:
            raise Unavailable(f"DfE Sign-in's API is unavailable: {exc}", code="dsi_unavailable") from None
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise Unavailable(f"DfE Sign-in's API answered {response.status_code}.", code="dsi_unavailable")
        return [r["code"] for r in response.json().get("roles", [])
                if r.get("code") and (r.get("status") or {}).get("id", 1) == 1]
