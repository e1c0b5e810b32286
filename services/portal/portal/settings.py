from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class PortalSettings(Settings):
    SECRETS = ("secret_key", "signin_client_secret")

    service_name: str = "portal"
    # Where the portal calls the services (server to server, through the gateway like any other client) ...
    gateway_url: str = "http://127.0.0.1:8080"
    # ... and where browsers reach the portal (the gateway's root): the sign-in redirect URI is built from it.
    public_url: str = "http://127.0.0.1:8080"
    secret_key: str = ""  # signs CSRF tokens and encrypts the tokens kept server-side; required
    signin_client_id: str = "portal"
    signin_client_secret: str = ""
    persona_signin_enabled: bool = False  # the local run's personas page
    notify_emails_url: str = ""  # local run: the GOV.UK Notify stand-in's page of emails, linked from the personas page
    session_idle_minutes: int = 60
    session_max_hours: int = 8
    cookie_secure: str = "auto"  # auto: Secure when the request came over HTTPS (X-Forwarded-Proto); or 1 / 0
    service_timeout_seconds: float = 15.0
    housekeeping_interval_seconds: float = 600.0

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}/sign-in/callback"
