"""What the web workers leave behind, cleared by the worker now and then: saved page positions past their
lifetime (a sync that never came back to page 1) and rate-limit windows that have ended (a token that stopped
calling). Requests ignore both already, so this only keeps the tables small; replicas may run it at once."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.orm import Session

from ecf_shared.db import Database
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork
from lp_api.adapters import page_cursors, rate_limit_windows
from lp_api.document_pages import CURSOR_LIFETIME

log = get_logger(__name__)


def forget_expired(session: Session, window_seconds: int) -> dict:
    cursors = session.execute(delete(page_cursors).where(page_cursors.c.saved_at < func.now() - CURSOR_LIFETIME))
    windows = session.execute(delete(rate_limit_windows).where(
        rate_limit_windows.c.window_start < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, window_seconds)))
    return {"page_cursors": cursors.rowcount, "rate_limit_windows": windows.rowcount}


@dataclass
class Housekeeping:
    db: Database
    interval_seconds: float
    window_seconds: int
    producer: str = "lp-api"

    def run(self) -> dict:
        with UnitOfWork(self.db, self.producer) as uow:
            forgotten = forget_expired(uow.session, self.window_seconds)
            uow.commit()
        log.info("housekeeping_finished", **forgotten)
        return forgotten

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval_seconds):
            try:
                self.run()
            except Exception:  # the next round tries again; the worker's consumer carries on
                log.exception("housekeeping_failed")


def background_runners(settings, db: Database) -> list[tuple[str, object]]:
    if settings.lp_housekeeping_interval_seconds <= 0:
        return []
    return [("housekeeping", Housekeeping(db, settings.lp_housekeeping_interval_seconds,
                                          settings.lp_rate_limit_window_seconds, producer=settings.service_name))]
