"""Settings, read from environment variables only (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Mapping

DEFAULT_API_KEYS = ("dev-trs-key",)
# Every supported version serves the same (20250203) shapes.
DEFAULT_SUPPORTED_VERSIONS = ("20250203", "20250627")


def _csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


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
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        api_keys = _csv(env.get("TRS_API_KEYS")) or DEFAULT_API_KEYS
        versions = _csv(env.get("TRS_SUPPORTED_VERSIONS")) or DEFAULT_SUPPORTED_VERSIONS
        rate = env.get("TRS_RATE_LIMIT_PER_MINUTE", "").strip()
        return cls(
            api_keys=api_keys,
            readonly_keys=_csv(env.get("TRS_READONLY_KEYS")),
            supported_versions=versions,
            test_hooks=_flag(env.get("TRS_TEST_HOOKS"), True),
            rate_limit_per_minute=int(rate) if rate else 0,
        )

    @classmethod
    def coerce(cls, settings: "Settings | Mapping | None") -> "Settings":
        """Accept a Settings, a mapping of Settings fields (for tests), or None (env)."""
        if settings is None:
            return cls.from_env()
        if isinstance(settings, Settings):
            return settings
        known = {f.name for f in fields(cls)}
        values = {}
        for key, value in dict(settings).items():
            if key not in known:
                raise TypeError(f"unknown setting {key!r}")
            if key in ("api_keys", "readonly_keys", "supported_versions") and isinstance(value, str):
                value = _csv(value)
            elif key in ("api_keys", "readonly_keys", "supported_versions"):
                value = tuple(value)
            values[key] = value
        return cls(**values)
