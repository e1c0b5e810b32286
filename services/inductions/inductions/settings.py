from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class InductionsSettings(Settings):
    service_name: str = "inductions"
    trs_sync_url: str = "http://127.0.0.1:8004"
