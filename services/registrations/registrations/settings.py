from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class RegistrationsSettings(Settings):
    service_name: str = "registrations"
    trs_sync_url: str = "http://127.0.0.1:8004"
