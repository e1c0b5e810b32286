"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

from functools import partial

from ecf_shared.auth import revocation
from ecf_shared.db import Database
from ecf_shared.events.envelope import Event
from ecf_shared.uow import UnitOfWork
from trs_sync import trs_client as trs
from trs_sync.adapters import start_mappers
from trs_sync.circuit_breaker import CircuitBreaker
from trs_sync.delivery import Gateway
from trs_sync.domain.drift import closes_the_record
from trs_sync.domain.model import StatusChange
from trs_sync.settings import TrsSyncSettings
from trs_sync.watch import stop_watching


def send_status_change_to_trs(uow: UnitOfWork, event: Event, *, gateway: Gateway) -> None:
    """Deliver a CPD induction status change to TRS, once, newest wins; what the rules or TRS refuse goes to people."""
    change = StatusChange.from_event(event)
    if change.source != "cpd":
        # The change was made in TRS (inductions applied a console exemption): nothing to send back.
        if closes_the_record(change.induction):
            stop_watching(uow.session, change.trn)
        return
    if change.already_in_trs:
        # Imported at go-live, and TRS already holds exactly this: no PUT, but it is CPD's to watch from now on.
        gateway.settle_held(uow, change)
        return
    gateway.deliver(uow, change)


def gateway_from(settings: TrsSyncSettings, db: Database) -> Gateway:
    return Gateway(trs.TrsClient.from_settings(settings, db), circuit_from(settings, db))


def circuit_from(settings: TrsSyncSettings, db: Database) -> CircuitBreaker:
    return CircuitBreaker(db, settings.trs_circuit_failures, settings.trs_circuit_cool_down_seconds)


def handlers(settings: TrsSyncSettings, db: Database) -> dict:
    start_mappers()
    return {"inductions.induction.status_changed": partial(send_status_change_to_trs, gateway=gateway_from(settings, db)),
            **revocation.handlers()}
