"""A statement's life: open until its cut-off date passes, then payable (its eligible declarations with it), then
paid by DfE finance (its payable declarations paid, the paid ones voided since clawed back on it).

The worker passes cut-offs every LP_STATEMENT_CHECK_INTERVAL_SECONDS (`StatementCutOffs`), and
`python -m lp_api close-statements` does it at once; marking a statement paid passes its cut-off first if due.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ecf_shared.db import Database
from ecf_shared.events.envelope import jsonable
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork
from lp_api.declarations.author import CUT_OFF, Author, audit_all
from lp_api.declarations.clock import FinanceClock
from lp_api.declarations.store import change_state
from lp_api.declarations.tables import declarations
from lp_api.read_model_time import moved_forward
from lp_api.statements.store import event_data, statement_row
from lp_api.statements.tables import statements

log = get_logger(__name__)


class CutOffNotPassed(Exception):
    def __init__(self, statement: dict):
        super().__init__(statement["id"])
        self.statement = statement


def _declarations(session: Session, where) -> list[dict]:
    return [dict(r) for r in session.execute(select(declarations).where(where).order_by(declarations.c.id)
                                             .with_for_update()).mappings()]


def _set_status(uow: UnitOfWork, statement: dict, status: str, author: Author, **values) -> dict:
    session = uow.session
    values = {"status": status, "updated_at": moved_forward(session, statement["updated_at"]), **values}
    session.execute(update(statements).where(statements.c.id == statement["id"]).values(**values))
    row = {**statement, **values}
    uow.publish(f"lp-api.statement.{status}", event_data(row), actor=author.actor)
    audit_all(session, author, [{"lead_provider_id": row["lead_provider_id"], "action": f"statement_{status}",
                                 "subject_type": "statement", "subject_id": row["id"],
                                 "details": jsonable({"from": statement["status"], "to": status})}])
    return row


def make_payable(uow: UnitOfWork, statement: dict, author: Author = CUT_OFF) -> dict:
    """The statement (locked FOR UPDATE) is past its cut-off: it and its eligible declarations are payable."""
    row = _set_status(uow, statement, "payable", author, payable_at=func.now())
    eligible = _declarations(uow.session, (declarations.c.statement_id == statement["id"])
                             & (declarations.c.state == "eligible"))
    change_state(uow, eligible, "payable", author)
    return row


def close_due_statements(uow: UnitOfWork, today: date, author: Author = CUT_OFF) -> int:
    """Every open statement whose cut-off date is before `today` becomes payable; how many. A statement a
    declaration is being attached to right now is left for the next round (SKIP LOCKED)."""
    due = [dict(r) for r in uow.session.execute(
        select(statements).where(statements.c.status == "open", statements.c.cut_off_date < today)
        .order_by(statements.c.cut_off_date, statements.c.id).with_for_update(skip_locked=True)).mappings()]
    for statement in due:
        make_payable(uow, statement, author)
    return len(due)


def mark_paid(uow: UnitOfWork, statement_id: str, author: Author, today: date, *, by: dict) -> dict | None:
    """DfE finance paid the statement: its payable declarations are paid and those awaiting clawback on it clawed
    back. Paid already: unchanged (a repeat changes nothing). None when there is no such statement."""
    statement = statement_row(uow.session, statement_id, for_update=True)
    if statement is None or statement["status"] == "paid":
        return statement
    if statement["status"] == "open":
        if statement["cut_off_date"] >= today:
            raise CutOffNotPassed(statement)
        statement = make_payable(uow, statement, CUT_OFF)
    row = _set_status(uow, statement, "paid", author, paid_at=func.now(), paid_by=by)
    session = uow.session
    change_state(uow, _declarations(session, (declarations.c.statement_id == statement_id)
                                    & (declarations.c.state == "payable")), "paid", author)
    change_state(uow, _declarations(session, (declarations.c.clawback_statement_id == statement_id)
                                    & (declarations.c.state == "awaiting_clawback")), "clawed_back", author)
    return statement_row(session, statement_id) or row


@dataclass
class StatementCutOffs:
    """The worker's job: statements whose cut-off has passed become payable. Replicas may run it at once."""
    db: Database
    interval_seconds: float
    producer: str = "lp-api"
    clock: FinanceClock | None = None

    def run(self) -> int:
        with UnitOfWork(self.db, self.producer) as uow:
            closed = close_due_statements(uow, (self.clock or FinanceClock()).today())
            uow.commit()
        if closed:
            log.info("statements_payable", statements=closed)
        return closed

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run()
            except Exception:  # the next round tries again; the worker's consumer carries on
                log.exception("statement_cut_off_failed")
            stop.wait(self.interval_seconds)


def background_runners(settings, db: Database) -> list[tuple[str, object]]:
    if settings.lp_statement_check_interval_seconds <= 0:
        return []
    return [("statement-cut-offs", StatementCutOffs(db, settings.lp_statement_check_interval_seconds,
                                                    producer=settings.service_name))]
