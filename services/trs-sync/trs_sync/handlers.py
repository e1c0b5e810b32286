"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

import time
from functools import partial

from ecf_shared.db import Database
from ecf_shared.events.envelope import Event
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork
from trs_sync import trs_client as trs
from trs_sync.adapters import lock_teacher, start_mappers
from trs_sync.domain.delivery_rules import HandOver, Supersede, decide
from trs_sync.domain.model import Delivery, ManualHandlingItem, StatusChange, SyncLogEntry
from trs_sync.settings import TrsSyncSettings

log = get_logger(__name__)


def send_status_change_to_trs(uow: UnitOfWork, event: Event, *, client: trs.TrsClient) -> None:
    """Deliver a CPD induction status change to TRS, once, newest wins; what TRS refuses goes to manual handling."""
    change = StatusChange.from_event(event.event_id, event.data)
    if change.source != "cpd":
        return  # the change was made in TRS: nothing to send back
    lock_teacher(uow.session, change.trn)
    delivery = uow.session.get(Delivery, change.trn)
    decision = decide(change, delivery.changed_at if delivery else None)
    if isinstance(decision, Supersede):
        _log(uow, SyncLogEntry(change.trn, change.event_id, "superseded", detail=decision.reason))
        return
    if isinstance(decision, HandOver):
        _hand_over(uow, change, SyncLogEntry(change.trn, change.event_id, "manual", error_code=decision.error_code,
                                             detail=decision.detail))
        return

    body = trs.cpd_induction_body(change)
    started = time.perf_counter()

    def attempt(outcome: str, error: trs.TrsError | None = None) -> SyncLogEntry:
        return SyncLogEntry(change.trn, change.event_id, outcome, request_body=body,
                            response_status=error.status if error else 204,
                            error_code=error.error_code if error else None, detail=error.detail if error else None,
                            duration_ms=round((time.perf_counter() - started) * 1000))

    try:
        client.set_cpd_induction(change.trn, body)
    except trs.Stale as exc:
        _log(uow, attempt("superseded", exc))
    except trs.Permanent as exc:
        _hand_over(uow, change, attempt("manual", exc))
    except trs.TrsError as exc:
        # The consumer rolls this transaction back and retries the event; the attempt must outlive that.
        _log_apart(uow, attempt("retry", exc))
        raise
    else:
        _log(uow, attempt("delivered"))
        if delivery is None:
            uow.session.add(Delivery(change.trn, change.changed_at, change.event_id, change.induction.status))
        else:
            delivery.record(change)


def _hand_over(uow: UnitOfWork, change: StatusChange, entry: SyncLogEntry) -> None:
    induction = change.induction
    uow.session.add(ManualHandlingItem(
        trn=change.trn, event_id=change.event_id, status=induction.status, start_date=induction.start_date,
        completed_date=induction.completed_date, changed_at=change.changed_at, error_code=entry.error_code,
        detail=entry.detail))
    _log(uow, entry)


def _log(uow: UnitOfWork, entry: SyncLogEntry) -> None:
    uow.session.add(entry)
    log.info("trs_delivery", trn=entry.trn, event_id=entry.event_id, outcome=entry.outcome,
             status=entry.response_status, error_code=entry.error_code)


def _log_apart(uow: UnitOfWork, entry: SyncLogEntry) -> None:
    with UnitOfWork(uow.db, producer=uow.producer) as apart:
        _log(apart, entry)
        apart.commit()


def handlers(settings: TrsSyncSettings, db: Database) -> dict:
    start_mappers()
    client = trs.TrsClient.from_settings(settings)
    return {"inductions.induction.status_changed": partial(send_status_change_to_trs, client=client)}
