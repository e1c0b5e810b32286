from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class LpApiSettings(Settings):
    service_name: str = "lp-api"
    # HMAC key for lead provider token hashes. Changing it invalidates every issued token.
    lp_token_hash_key: str = "dev-only-lp-token-key"
