"""The one way a CPD change reaches TRS: through the ordering and edit rules, the circuit breaker and the
rate limit; every attempt in the sync log, every refusal in the manual-handling queue."""
from __future__ import annotations

import time
from datetime import datetime, UTC

from sqlalchemy import func, select

from ecf_shared.bus.consumer import RetryLater
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork
from trs_sync import trs_client as trs
from trs_sync.adapters import lock_teacher
from trs_sync.circuit_breaker import CircuitBreaker
from trs_sync.domain.delivery_rules import HandOver, Supersede, decide
from trs_sync.domain.model import Delivery, ManualHandlingItem, StatusChange, SyncLogEntry
from trs_sync.metrics import DELIVERY_SECONDS, MANUAL_QUEUE_DEPTH, TRS_ERRORS
from trs_sync.watch import follow_settled

log = get_logger(__name__)
MISCONFIGURED_RETRY_SECONDS = 300.0


class Gateway:
    def __init__(self, client: trs.TrsClient, breaker: CircuitBreaker):
        self.client = client
        self.breaker = breaker

    def deliver(self, uow: UnitOfWork, change: StatusChange, item: ManualHandlingItem | None = None) -> SyncLogEntry:
        """Settle one change: delivered, superseded or handed to people (`item`, when retrying one, is reused and
        resolved unless refused again). Raises RetryLater while TRS cannot take it; the attempt is logged."""
        entry = self._deliver(uow, change, item)
        if item is not None and entry.outcome != "manual":
            item.settle("resolved", "Delivered to TRS on retry." if entry.outcome == "delivered" else entry.detail)
            refresh_queue_depth(uow)
        return entry

    def settle_held(self, uow: UnitOfWork, change: StatusChange) -> SyncLogEntry:
        """TRS already holds this change (the in-flight import checked): settled without calling TRS."""
        lock_teacher(uow.session, change.trn)
        settled = uow.session.get(Delivery, change.trn)
        if settled is not None and change.changed_at < settled.changed_at:
            entry = SyncLogEntry(change.trn, change.event_id, "superseded",
                                 detail=f"A newer change (from {settled.changed_at.isoformat()}) was already settled.")
        else:
            entry = SyncLogEntry(change.trn, change.event_id, "already_in_trs",
                                 detail="Imported: TRS already held this status and these dates; nothing was sent.")
        return self._settle(uow, change, settled, entry)

    def _deliver(self, uow: UnitOfWork, change: StatusChange, item: ManualHandlingItem | None) -> SyncLogEntry:
        lock_teacher(uow.session, change.trn)
        settled = uow.session.get(Delivery, change.trn)
        decision = decide(change, settled)
        if isinstance(decision, Supersede):
            return self._settle(uow, change, settled, SyncLogEntry(change.trn, change.event_id, "superseded",
                                                                   detail=decision.reason))
        if isinstance(decision, HandOver):
            entry = SyncLogEntry(change.trn, change.event_id, "manual", error_code=decision.error_code,
                                 detail=decision.detail)
            return self._hand_over(uow, change, settled, entry, item)
        if not self.breaker.allow():
            raise RetryLater("TRS looks down: the circuit breaker is open", max(1.0, self.breaker.retry_in()))

        body = trs.cpd_induction_body(change)
        started = time.perf_counter()

        def attempt(outcome: str, error: trs.TrsError | None = None) -> SyncLogEntry:
            return SyncLogEntry(change.trn, change.event_id, outcome, request_body=body,
                                response_status=error.status if error else 204,
                                error_code=error.error_code if error else None, detail=error.detail if error else None,
                                duration_ms=round((time.perf_counter() - started) * 1000))

        try:
            self.client.set_cpd_induction(change.trn, body)
        except (trs.Transient, trs.RateLimited, trs.Misconfigured) as exc:
            count_error(exc)
            if isinstance(exc, trs.RateLimited):
                self.breaker.succeeded()  # a 429 means TRS is up, just busy (and ends a half-open probe)
            else:
                self.breaker.failed()
            # The caller's transaction is rolled back; the attempt must outlive it.
            _log_apart(uow, attempt("retry", exc))
            raise RetryLater(f"TRS did not take the change: {exc.detail}", _retry_delay(exc, self.breaker)) from exc
        except trs.TrsError as exc:
            count_error(exc)
            self.breaker.succeeded()
            if isinstance(exc, trs.Stale):
                return self._settle(uow, change, settled, attempt("superseded", exc))
            return self._hand_over(uow, change, settled, attempt("manual", exc), item)
        except BaseException:
            self.breaker.failed()  # whatever happened, a half-open probe must not stay claimed for ever
            raise
        self.breaker.succeeded()
        DELIVERY_SECONDS.observe(max(0.0, (datetime.now(UTC) - change.changed_at).total_seconds()))
        return self._settle(uow, change, settled, attempt("delivered"))

    def _hand_over(self, uow, change, settled, entry: SyncLogEntry, item: ManualHandlingItem | None) -> SyncLogEntry:
        if item is None:
            uow.session.add(ManualHandlingItem.for_change(change, entry.error_code, entry.detail))
        else:
            item.error_code, item.detail = entry.error_code, entry.detail
        uow.session.flush()
        refresh_queue_depth(uow)
        return self._settle(uow, change, settled, entry)

    @staticmethod
    def _settle(uow, change: StatusChange, settled: Delivery | None, entry: SyncLogEntry) -> SyncLogEntry:
        if settled is None:
            uow.session.add(Delivery.first(change, entry.outcome))
        else:
            settled.record(change, entry.outcome)
        follow_settled(uow.session, change, entry.outcome)
        _log(uow, entry)
        return entry


def refresh_queue_depth(uow: UnitOfWork) -> None:
    open_items = uow.session.scalar(select(func.count()).select_from(ManualHandlingItem)
                                    .where(ManualHandlingItem.state == "open"))
    MANUAL_QUEUE_DEPTH.set(open_items)


def _retry_delay(exc: trs.TrsError, breaker: CircuitBreaker) -> float:
    if isinstance(exc, trs.RateLimited):
        return max(1.0, exc.retry_after)
    if isinstance(exc, trs.Misconfigured):
        return MISCONFIGURED_RETRY_SECONDS
    return max(5.0, breaker.retry_in())


def count_error(exc: trs.TrsError) -> None:
    TRS_ERRORS.labels(exc.error_code or (str(exc.status) if exc.status else "unreachable")).inc()


def _log(uow: UnitOfWork, entry: SyncLogEntry) -> None:
    uow.session.add(entry)
    log.info("trs_delivery", trn=entry.trn, event_id=entry.event_id, outcome=entry.outcome,
             status=entry.response_status, error_code=entry.error_code)


def _log_apart(uow: UnitOfWork, entry: SyncLogEntry) -> None:
    with UnitOfWork(uow.db, producer=uow.producer) as apart:
        _log(apart, entry)
        apart.commit()
