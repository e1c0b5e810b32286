from dataclasses import dataclass

from ecf_shared.emails.settings import EmailSettings


@dataclass(frozen=True)
class RegistrationsSettings(EmailSettings):
    service_name: str = "registrations"
    trs_sync_url: str = "http://127.0.0.1:8004"
    # GOV.UK Notify templates of the confirmations to the school user who registered teachers.
    notify_template_ect_registered: str = ""
    notify_template_mentor_registered: str = ""
    notify_template_bulk_registered: str = ""  # one email for a CSV upload of ECTs or mentors
