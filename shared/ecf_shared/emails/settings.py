"""Settings of a service that sends emails (accounts, registrations subclass it)."""
from __future__ import annotations

from dataclasses import dataclass, fields

from ecf_shared.settings import Settings

TEMPLATE_PREFIX = "notify_template_"


@dataclass(frozen=True)
class EmailSettings(Settings):
    """A service adds one `notify_template_<name>: str = ""` field per email it sends (env
    `NOTIFY_TEMPLATE_<NAME>`: the Notify template id); `<name>` is what `queue_email(template=...)` names."""

    portal_url: str = "http://127.0.0.1:8080"  # the web frontend, for links in emails
    notify_api_key: str = ""  # empty: the worker sends nothing (emails wait in email_outbox)
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_timeout_seconds: float = 10.0
    email_poll_seconds: float = 1.0  # the sender's fallback poll (it wakes on NOTIFY) and retry granularity
    email_batch_size: int = 20
    email_retry_max_seconds: float = 900.0  # back-off doubles from 5 s up to this, and retries go on

    def email_templates(self) -> dict[str, str]:
        """Logical template name → Notify template id ("" when not configured)."""
        return {f.name[len(TEMPLATE_PREFIX):]: getattr(self, f.name) for f in fields(self)
                if f.name.startswith(TEMPLATE_PREFIX)}

    def portal_link(self, path: str) -> str:
        return f"{self.portal_url.rstrip('/')}/{path.lstrip('/')}"
