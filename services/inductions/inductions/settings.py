from dataclasses import dataclass

from ecf_shared.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class InductionsSettings(Settings):
    service_name: str = "inductions"
    trs_sync_url: str = "http://127.0.0.1:8004"
    # The in-flight import's upload (POST /admin/in-flight-imports): the largest legacy file it takes (about a
    # million rows), and how often an idle worker looks for queued imports besides being woken by each upload.
    in_flight_upload_max_bytes: int = 100 * MB
    in_flight_poll_seconds: float = 5.0
