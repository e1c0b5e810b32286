"""Settings come only from environment variables, read when a process starts (never at import)."""
from __future__ import annotations

import os
import typing
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar
from collections.abc import Mapping

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/ecf"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
# Where a secret may be missing or keep its development value: the local run and the tests set these.
DEVELOPMENT_ENVIRONMENTS = ("local", "test")


class MissingSecrets(RuntimeError):
    pass


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _floats(value: str) -> tuple[float, ...]:
    return tuple(float(v) for v in value.split(",") if v.strip())


_PARSERS = {"bool": _bool, "int": int, "float": float, "tuple[float, ...]": _floats}


@dataclass(frozen=True)
class Settings:
    """Settings every service shares. Services subclass it and add their own fields.

    Each field is read from the upper-cased environment variable of the same name, or from the file
    named by that name plus `_FILE` (for secrets mounted as files).

    SECRETS names the fields a process may not start without outside the local run and the tests
    (check_secrets); a secret's default, if any, is its development value.
    """

    SECRETS: ClassVar[tuple[str, ...]] = ()

    service_name: str = "service"
    environment: str = "production"  # local or test: secrets may be missing or keep their development values
    database_url: str = DEFAULT_DATABASE_URL
    db_schema: str = ""
    amqp_url: str = DEFAULT_AMQP_URL
    port: int = 8000
    web_concurrency: int = 2
    log_level: str = "INFO"
    log_format: str = "json"
    jwt_issuer: str = "ecf-accounts"
    jwt_audience: str = "ecf"
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwks_json: str = ""
    consumer_prefetch: int = 20
    consumer_max_attempts: int = 5
    consumer_retry_delays: tuple[float, ...] = field(default=(1.0, 5.0, 30.0, 120.0))
    consumer_max_wait_seconds: float = 86400.0  # how long one event may wait for a dependency (RetryLater)
    relay_poll_seconds: float = 0.5
    relay_batch_size: int = 200
    http_timeout_seconds: float = 5.0
    max_body_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides):
        environ = os.environ if environ is None else environ
        values = {}
        hints = {name: _type_name(t) for name, t in typing.get_type_hints(cls).items()}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            secret_file = environ.get(f"{f.name.upper()}_FILE")
            if raw is None and secret_file:  # the Docker/Kubernetes secrets convention
                with open(secret_file) as fh:
                    raw = fh.read().strip()
            if raw is None:
                continue
            parser = _PARSERS.get(hints[f.name], str)
            values[f.name] = parser(raw)
        values.update(overrides)
        settings = cls(**values)
        if not settings.db_schema:
            settings = replace(settings, db_schema=settings.service_name.replace("-", "_"))
        return settings

    def required_secrets(self) -> tuple[str, ...]:
        """The secrets these settings need (a subclass adds those that depend on other settings)."""
        return self.SECRETS

    def check_secrets(self):
        """Raises MissingSecrets unless every required secret is set to a value of its own; returns self."""
        if self.environment in DEVELOPMENT_ENVIRONMENTS:
            return self
        defaults = {f.name: f.default for f in fields(self)}
        missing = [name for name in self.required_secrets() if getattr(self, name) in ("", None, defaults[name])]
        if missing:
            names = ", ".join(name.upper() for name in missing)
            files = ", ".join(f"{name.upper()}_FILE" for name in missing)
            raise MissingSecrets(f"{self.service_name} cannot start with ENVIRONMENT={self.environment}: set {names} "
                                 f"(or {files}); only ENVIRONMENT=local or test may run without them or with "
                                 "development values.")
        return self

    def with_overrides(self, **overrides):
        return replace(self, **overrides)


def _type_name(annotation) -> str:
    """Parsers are keyed by type name, whether or not a subclass uses postponed annotations."""
    if annotation in (bool, int, float, str):
        return annotation.__name__
    return str(annotation).replace("typing.", "")
