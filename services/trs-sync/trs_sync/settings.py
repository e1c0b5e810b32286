# Field types must stay strings (postponed annotations): Settings.from_env picks its parser by type name.
from __future__ import annotations

from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class TrsSyncSettings(Settings):
    SECRETS = ("trs_api_key",)

    service_name: str = "trs-sync"
    trs_api_url: str = "http://127.0.0.1:8010"
    trs_api_key: str = "dev-trs-key"
    trs_api_version: str = "20250203"
    trs_timeout_seconds: float = 5.0
    lookup_cache_seconds: float = 60.0
    trs_rate_limit_per_minute: int = 1000
    trs_circuit_failures: int = 5  # transient failures in a row that open the circuit
    trs_circuit_cool_down_seconds: float = 30.0
    trs_drift_check_interval_seconds: float = 3600.0  # how often the worker reads TRS for drift; 0 turns it off
