"""Settings, read from environment variables only (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from collections.abc import Mapping

from standin_kit import coerce as coerce_settings, csv, flag

# The local run's service and its live API key. Not a secret: it opens nothing but this stand-in.
LOCAL_SERVICE_ID = "516479cd-059a-479c-977d-d3c335f255a3"
LOCAL_API_KEY = f"ecf_local-{LOCAL_SERVICE_ID}-005bf861-d6a3-4d01-91f6-06759fc6263c"
# Notify's documented limit: 3,000 messages a minute per API key type, on a rolling basis.
NOTIFY_RATE_LIMIT = 3000
NOTIFY_RATE_LIMIT_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class Settings:
    api_keys: tuple[str, ...] = (LOCAL_API_KEY,)  # live keys ("normal" in Notify's code)
    test_api_keys: tuple[str, ...] = ()  # test keys: Notify accepts the email but never delivers it
    templates_file: str = ""  # empty: the templates.json shipped in this package
    rate_limit: int = NOTIFY_RATE_LIMIT
    rate_limit_interval_seconds: int = NOTIFY_RATE_LIMIT_INTERVAL_SECONDS
    from_email: str = "register-early-career-teachers@notifications.service.gov.uk"
    test_hooks: bool = True
    # How long the "timeout" and "slow" faults hold a request when no seconds are given.
    default_fault_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            api_keys=csv(env.get("NOTIFY_STANDIN_API_KEYS")) or (LOCAL_API_KEY,),
            test_api_keys=csv(env.get("NOTIFY_STANDIN_TEST_API_KEYS")),
            templates_file=env.get("NOTIFY_STANDIN_TEMPLATES_FILE", ""),
            rate_limit=int(env.get("NOTIFY_STANDIN_RATE_LIMIT") or NOTIFY_RATE_LIMIT),
            rate_limit_interval_seconds=int(env.get("NOTIFY_STANDIN_RATE_LIMIT_INTERVAL_SECONDS")
                                            or NOTIFY_RATE_LIMIT_INTERVAL_SECONDS),
            from_email=env.get("NOTIFY_STANDIN_FROM_EMAIL") or cls.from_email,
            test_hooks=flag(env.get("NOTIFY_STANDIN_TEST_HOOKS"), True),
        )

    @classmethod
    def coerce(cls, settings: Settings | Mapping | None) -> Settings:
        """Accept a Settings, a mapping of Settings fields (for tests), or None (env)."""
        return coerce_settings(cls, settings, from_env=cls.from_env, tuples=("api_keys", "test_api_keys"))
