"""The GOV.UK Notify stand-in on a free loopback port, in a thread, for tests that send emails through the real
client; and the email outbox as tests read it."""
from __future__ import annotations

import sys
import threading
from dataclasses import fields
from pathlib import Path

import requests
from sqlalchemy import select

from ecf_shared.db import Database
from ecf_shared.emails.tables import email_outbox


def _import_standin():
    try:
        import notify_standin.app  # noqa: F401
    except ImportError:  # not installed: use it from the work tree
        sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "deploy" / "stand-ins" / "notify"))
    from notify_standin.app import create_app
    from notify_standin.settings import LOCAL_API_KEY

    return create_app, LOCAL_API_KEY


class NotifyStandIn:
    def __init__(self, **settings):
        from werkzeug.serving import make_server

        create_app, self.api_key = _import_standin()
        self.app = create_app(settings)
        self.templates = {t.name: t.id for t in self.app.extensions["notify_standin"].templates.values()}
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def settings_for(self, settings_cls) -> dict:
        """Overrides of a sending service's settings to send here: the key, the URL and its templates' ids."""
        wanted = {f.name for f in fields(settings_cls)}
        overrides = {"notify_api_key": self.api_key, "notify_base_url": self.url,
                     **{f"notify_template_{name}": template_id for name, template_id in self.templates.items()}}
        return {k: v for k, v in overrides.items() if k in wanted}

    def emails(self, **query) -> list[dict]:
        response = requests.get(f"{self.url}/_test/emails", params=query, timeout=5)
        response.raise_for_status()
        return response.json()["emails"]

    def fault(self, mode: str, count: int = 1, **spec) -> None:
        requests.post(f"{self.url}/_test/faults", json={"mode": mode, "count": count, **spec},
                      timeout=5).raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_test/reset", timeout=5).raise_for_status()

    def close(self) -> None:
        self._server.shutdown()


def queued_emails(db: Database, template: str | None = None) -> list[dict]:
    """The service's email outbox, oldest first."""
    query = select(email_outbox).order_by(email_outbox.c.created_at, email_outbox.c.id)
    if template:
        query = query.where(email_outbox.c.template == template)
    with db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
