"""Settings, read from environment variables only (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from collections.abc import Mapping

from standin_kit import coerce as coerce_settings, csv, flag

DEFAULT_API_KEYS = ("dev-trs-key",)
# Every supported version serves the same (20250203) shapes.
DEFAULT_SUPPORTED_VERSIONS = ("20250203", "20250627")


@dataclass(frozen=True)
class Settings:
    api_keys: tuple[str, ...] = DEFAULT_API_KEYS
    readonly_keys: tuple[str, ...] = ()
    supported_versions: tuple[str, ...] = DEFAULT_SUPPORTED_VERSIONS
    test_hooks: bool = True
    rate_limit_per_minute: int = 0
    # Default delays (seconds) for the "slow" and "timeout" faults when none is given.
    default_slow_seconds: float = 2.0
    default_timeout_seconds: float = 30.0

    @property
    def all_keys(self) -> frozenset[str]:
        """Keys that authenticate: full keys plus read-only keys."""
        return frozenset(self.api_keys) | frozenset(self.readonly_keys)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        api_keys = csv(env.get("TRS_API_KEYS")) or DEFAULT_API_KEYS
        versions = csv(env.get("TRS_SUPPORTED_VERSIONS")) or DEFAULT_SUPPORTED_VERSIONS
        rate = env.get("TRS_RATE_LIMIT_PER_MINUTE", "").strip()
        return cls(
            api_keys=api_keys,
            readonly_keys=csv(env.get("TRS_READONLY_KEYS")),
            supported_versions=versions,
            test_hooks=flag(env.get("TRS_TEST_HOOKS"), True),
            rate_limit_per_minute=int(rate) if rate else 0,
        )

    @classmethod
    def coerce(cls, settings: Settings | Mapping | None) -> Settings:
        """Accept a Settings, a mapping of Settings fields (for tests), or None (env)."""
        return coerce_settings(cls, settings, from_env=cls.from_env, tuples=("api_keys", "readonly_keys", "supported_versions"))
