"""The portal worker's one job: delete sessions that have ended and form tokens no replay can still present."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from sqlalchemy import delete, or_

from ecf_shared.logging import get_logger
from portal.adapters.tables import form_tokens, sessions

log = get_logger(__name__)


class Housekeeping:
    def __init__(self, db, interval_seconds: float):
        self.db = db
        self.interval = interval_seconds

    def run_once(self) -> dict:
        now = datetime.now(UTC)
        with self.db.engine.begin() as conn:
            ended = conn.execute(delete(sessions).where(or_(sessions.c.idle_expires_at <= now,
                                                            sessions.c.expires_at <= now))).rowcount
            used = conn.execute(delete(form_tokens).where(form_tokens.c.used_at <= now - timedelta(days=2))).rowcount
        return {"sessions_deleted": ended, "form_tokens_deleted": used}

    def run_forever(self, stop) -> None:
        if self.interval <= 0:
            return
        while not stop.is_set():
            try:
                result = self.run_once()
                if any(result.values()):
                    log.info("housekeeping", **result)
            except Exception as exc:  # noqa: BLE001 - a failed round is logged and tried again next interval
                log.warning("housekeeping_failed", error=str(exc)[:300])
            stop.wait(self.interval)
