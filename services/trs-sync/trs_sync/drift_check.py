"""Drift detection: read TRS for the watched teachers, 500 at a time, and report what differs from what CPD last
sent, once per TRS state: permitted changes for inductions to apply, the rest also to the manual-handling queue."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, UTC
from collections.abc import Callable

from sqlalchemy import text

from ecf_shared.db import Database
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork
from trs_sync import trs_client as trs
from trs_sync import watch
from trs_sync.adapters import lock_teacher
from trs_sync.circuit_breaker import CircuitBreaker
from trs_sync.delivery import count_error, refresh_queue_depth
from trs_sync.domain.drift import Drift, WatchedTeacher
from trs_sync.domain.model import Induction, ManualHandlingItem
from trs_sync.metrics import DRIFT_FOUND
from trs_sync.settings import TrsSyncSettings

log = get_logger(__name__)
RUNNER_LOCK = "trs-sync:drift-check"
RATE_LIMIT_WAITS = 10  # per batch, before the run gives up until next time
EVENT = "trs-sync.induction.changed_in_trs"


@dataclass
class Summary:
    ran: bool = True  # False: another runner held the lock
    watched: int = 0  # teachers TRS was asked about
    requests: int = 0
    not_found: int = 0  # TRS did not find them (wrong date of birth, deactivated, merged)
    without_date_of_birth: int = 0  # watched, but never looked up, so TRS cannot be asked
    permitted: int = 0
    manual_review: int = 0
    back_in_line: int = 0
    skipped: int = 0  # CPD sent a change while TRS was being read: checked next time
    stopped: str | None = None  # why the run ended early

    def to_dict(self) -> dict:
        return asdict(self)


class Stop(Exception):
    """TRS cannot be read now; the rest waits for the next run."""


@dataclass
class DriftCheck:
    db: Database
    client: trs.TrsClient
    breaker: CircuitBreaker
    producer: str = "trs-sync"
    batch_size: int = trs.MAX_FIND_PERSONS
    sleep: Callable[[float], None] = time.sleep
    today: Callable[[], date] = lambda: datetime.now(UTC).date()

    @classmethod
    def from_settings(cls, settings: TrsSyncSettings, db: Database) -> DriftCheck:
        from trs_sync.handlers import circuit_from

        return cls(db, trs.TrsClient.from_settings(settings, db), circuit_from(settings, db),
                   producer=settings.service_name)

    def run(self) -> Summary:
        """One pass over every watched teacher, unless another replica is already running one."""
        with self.db.engine.connect() as conn:
            # A session lock (not a transaction's): the run commits many transactions while holding it.
            locked = conn.execute(text("select pg_try_advisory_lock(hashtextextended(:key, 0))"),
                                  {"key": RUNNER_LOCK}).scalar()
            conn.commit()  # the lock outlives the transaction; an idle open one could be killed by a timeout
            if not locked:
                log.info("drift_check_skipped", reason="another runner holds the lock")
                return Summary(ran=False)
            try:
                started_at = datetime.now(UTC)
                summary = self._run()
                conn.execute(text("insert into drift_check_runs (started_at, finished_at, summary) "
                                  "values (:started_at, now(), cast(:summary as jsonb))"),
                             {"started_at": started_at, "summary": json.dumps(summary.to_dict())})
            finally:
                conn.execute(text("select pg_advisory_unlock(hashtextextended(:key, 0))"), {"key": RUNNER_LOCK})
                conn.commit()
        log.info("drift_check_finished", **summary.to_dict())
        return summary

    def seconds_until_due(self, interval_seconds: float) -> float:
        """How long until `interval_seconds` have passed since the last run finished (any replica's); 0 if never."""
        with self.db.engine.connect() as conn:
            waited = conn.execute(text("select extract(epoch from now() - max(finished_at)) from drift_check_runs"))
            since_last = waited.scalar()
        return 0.0 if since_last is None else max(0.0, interval_seconds - float(since_last))

    def _run(self) -> Summary:
        summary, today, after = Summary(), self.today(), ""
        with UnitOfWork(self.db, self.producer) as uow:
            summary.without_date_of_birth = watch.count_without_date_of_birth(uow.session, today)
        while True:
            with UnitOfWork(self.db, self.producer) as uow:
                batch = watch.next_batch(uow.session, after, self.batch_size, today)
            if not batch:
                return summary
            after = batch[-1].trn
            try:
                found = self._read(batch, summary)
            except Stop as stop:
                summary.stopped = str(stop)
                return summary
            summary.watched += len(batch)
            missing = [w.trn for w in batch if w.trn not in found]
            if missing:
                log.warning("drift_check_not_found_in_trs", trns=missing,
                            hint="date of birth changed in TRS, or the record was merged or deactivated")
            summary.not_found += len(missing)
            self._record(batch, found, summary, today)

    def _read(self, batch: list[WatchedTeacher], summary: Summary) -> dict[str, Induction]:
        persons = [(w.trn, w.date_of_birth) for w in batch]
        for _ in range(RATE_LIMIT_WAITS + 1):
            if not self.breaker.allow():
                raise Stop("TRS looks down: the circuit breaker is open")
            summary.requests += 1
            try:
                found = self.client.find_inductions(persons)
            except trs.RateLimited as exc:
                self.breaker.succeeded()  # TRS is up, only busy (or our own limit says wait)
                count_error(exc)
                self.sleep(max(0.1, exc.retry_after))
                continue
            except (trs.Transient, trs.Misconfigured) as exc:
                self.breaker.failed()
                count_error(exc)
                raise Stop(f"TRS did not answer: {exc.detail}") from exc
            except trs.TrsError as exc:
                self.breaker.succeeded()
                count_error(exc)
                raise Stop(f"TRS refused the find: {exc.detail}") from exc
            except BaseException:
                self.breaker.failed()  # a half-open probe must not stay claimed for ever
                raise
            self.breaker.succeeded()
            return found
        raise Stop("TRS kept asking us to slow down")

    def _record(self, batch: list[WatchedTeacher], found: dict[str, Induction], summary: Summary, today: date) -> None:
        with UnitOfWork(self.db, self.producer) as uow:
            watch.mark_checked(uow.session, [w.trn for w in batch])
            for read in batch:
                in_trs = found.get(read.trn)
                if in_trs is None or (in_trs == read.cpd and read.reported is None):
                    continue
                # Wait for a delivery in flight: TRS may already hold a change CPD has not recorded as sent.
                lock_teacher(uow.session, read.trn)
                watched = watch.locked(uow.session, read.trn)
                if watched.cpd != read.cpd:
                    summary.skipped += 1
                    continue
                was_reported = watched.reported is not None
                drift = watched.compare(in_trs, today)
                if drift is not None:
                    self._report(uow, drift, summary)
                elif was_reported and watched.reported is None:
                    summary.back_in_line += 1
                    _resolve_drift_items(uow, read.trn)
            uow.commit()

    def _report(self, uow: UnitOfWork, drift: Drift, summary: Summary) -> None:
        detected_at = datetime.now(UTC)
        event = uow.publish(EVENT, {"trn": drift.trn, "cpd": asdict(drift.cpd), "trs": asdict(drift.trs),
                                    "classification": drift.classification, "rule": drift.rule,
                                    "detected_at": detected_at})
        if drift.classification == "manual_review":
            uow.session.add(ManualHandlingItem.for_drift(event.event_id, drift, detected_at))
            uow.session.flush()
            refresh_queue_depth(uow)
        setattr(summary, drift.classification, getattr(summary, drift.classification) + 1)
        DRIFT_FOUND.labels(drift.classification).inc()
        log.info("trs_drift_found", trn=drift.trn, classification=drift.classification, rule=drift.rule,
                 cpd_status=drift.cpd.status, trs_status=drift.trs.status)


def _resolve_drift_items(uow: UnitOfWork, trn: str) -> None:
    items = uow.session.query(ManualHandlingItem).filter_by(trn=trn, kind="drift", state="open").all()
    for item in items:
        item.settle("resolved", "TRS holds what CPD last sent again.")
    if items:
        uow.session.flush()
        refresh_queue_depth(uow)


class DriftLoop:
    """The worker's periodic drift check: due `interval` after the last run finished, whichever replica ran it,
    so restarting workers does not read TRS again early (one replica at a time runs it: the others skip)."""

    def __init__(self, check: DriftCheck, interval_seconds: float):
        self.check = check
        self.interval = interval_seconds

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                due_in = self.check.seconds_until_due(self.interval)
                if due_in <= 0:
                    self.check.run()
                    due_in = self.check.seconds_until_due(self.interval)
            except Exception:  # the next run tries again; the worker's other threads carry on
                log.exception("drift_check_failed")
                due_in = self.interval
            # Another replica running it now: look again shortly (its finish sets the next due time).
            stop.wait(min(self.interval, max(due_in, 1.0)))
