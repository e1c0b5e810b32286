from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class LpApiSettings(Settings):
    SECRETS = ("lp_token_hash_key",)

    service_name: str = "lp-api"
    # HMAC key for lead provider token hashes (the default: the local run's). Changing it invalidates every issued token.
    lp_token_hash_key: str = "dev-only-lp-token-key"
    # Requests per token per fixed window, counted in PostgreSQL so every worker and replica shares them.
    lp_rate_limit: int = 1000
    lp_rate_limit_window_seconds: int = 300
    # How often the worker clears expired page positions and ended rate-limit windows (0: never).
    lp_housekeeping_interval_seconds: float = 600.0
    # How often the worker makes statements whose cut-off date has passed payable (0: never).
    lp_statement_check_interval_seconds: float = 300.0
