"""Settings, read from environment variables only (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from collections.abc import Mapping

from standin_kit import coerce as coerce_settings, csv, flag

DEFAULT_CLIENT_ID = "ecf-local"
DEFAULT_CLIENT_SECRET = "ecf-local-dsi-client-secret-not-for-production"


@dataclass(frozen=True)
class Settings:
    issuer: str = ""  # empty: the URL the request came in on (what a test server on a free port wants)
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    redirect_uris: tuple[str, ...] = ()  # empty: any http(s) redirect URI is accepted
    service_id: str = ""  # the relying service's id in DSI; the client id when empty
    api_secret: str = ""  # signs the roles API's bearer JWTs; the client secret when empty
    signing_key_pem: str = ""  # RSA private key for ID tokens; generated at start when empty
    id_token_ttl_seconds: int = 300
    code_ttl_seconds: int = 60
    test_hooks: bool = True
    seed_file: str = ""  # JSON {"organisations": [...], "users": [...]} loaded at start (see demo-seed.json)

    @property
    def the_service_id(self) -> str:
        return self.service_id or self.client_id

    @property
    def the_api_secret(self) -> str:
        return self.api_secret or self.client_secret

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        key = env.get("DSI_SIGNING_KEY", "")
        if not key and env.get("DSI_SIGNING_KEY_FILE"):
            with open(env["DSI_SIGNING_KEY_FILE"]) as fh:
                key = fh.read()
        return cls(
            issuer=env.get("DSI_ISSUER", "").rstrip("/"),
            client_id=env.get("DSI_CLIENT_ID") or DEFAULT_CLIENT_ID,
            client_secret=env.get("DSI_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET,
            redirect_uris=csv(env.get("DSI_REDIRECT_URIS")),
            service_id=env.get("DSI_SERVICE_ID", ""),
            api_secret=env.get("DSI_API_SECRET", ""),
            signing_key_pem=key,
            id_token_ttl_seconds=int(env.get("DSI_ID_TOKEN_TTL_SECONDS") or 300),
            test_hooks=flag(env.get("DSI_TEST_HOOKS"), True),
            seed_file=env.get("DSI_SEED_FILE", ""),
        )

    @classmethod
    def coerce(cls, settings: Settings | Mapping | None) -> Settings:
        """Accept a Settings, a mapping of Settings fields (for tests), or None (env)."""
        return coerce_settings(cls, settings, from_env=cls.from_env, tuples=("redirect_uris",))
