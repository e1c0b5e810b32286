"""Statements: made per lead provider and cohort from the calendar, found, and shown as v3 shapes them."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from lp_api.domain.timestamps import v3_datetime
from lp_api.read_model_time import transaction_time
from lp_api.statements.calendar import month_name, output_statements
from lp_api.statements.tables import statements
from lp_api.v3_params import ListParams, cohort_numbers

RESOURCE_TYPE = "statement"
STATEMENT_TYPES = ("ecf",)


def ensure_statements(session: Session, lead_provider_id: str, cohort: int) -> int:
    """The lead provider's output statements for the cohort (idempotent); how many were new."""
    now = transaction_time(session)
    rows = [{"id": str(uuid.uuid4()), "lead_provider_id": lead_provider_id, "cohort": cohort, "year": p.year,
             "month": p.month, "cut_off_date": p.cut_off_date, "payment_date": p.payment_date, "status": "open",
             "created_at": now, "updated_at": now} for p in output_statements(cohort)]
    added = session.execute(insert(statements).values(rows).on_conflict_do_nothing(
        constraint="statements_one_per_month").returning(statements.c.id)).all()
    return len(added)


def next_open_statement(session: Session, lead_provider_id: str, cohort: int, today) -> dict | None:
    """The open output statement with the nearest cut-off not yet passed, share-locked until commit so its cut-off
    cannot be processed under a declaration being attached to it; None when the cohort's contract has ended."""
    open_ones = (statements.c.lead_provider_id == lead_provider_id, statements.c.cohort == cohort,
                 statements.c.status == "open", statements.c.cut_off_date >= today)
    for _ in range(5):
        row = session.execute(select(statements).where(*open_ones).order_by(statements.c.cut_off_date).limit(1)
                              .with_for_update(read=True)).mappings().first()
        if row is not None:
            return dict(row)
        if not session.execute(select(statements.c.id).where(statements.c.lead_provider_id == lead_provider_id,
                                                              statements.c.cohort == cohort).limit(1)).first():
            ensure_statements(session, lead_provider_id, cohort)
            continue
        # A concurrent cut-off may have closed the one found first (the locked re-check then yields no row).
        if not session.execute(select(statements.c.id).where(*open_ones).limit(1)).first():
            return None
    return None


def statement_resource(row) -> dict:
    return {
        "id": row["id"],
        "type": RESOURCE_TYPE,
        "attributes": {
            "month": month_name(row["month"]),
            "year": str(row["year"]),
            "type": "ecf",
            "cohort": str(row["cohort"]),
            "cut_off_date": row["cut_off_date"].isoformat(),
            "payment_date": row["payment_date"].isoformat(),
            "paid": row["status"] == "paid",
            "created_at": v3_datetime(row["created_at"]),
            "updated_at": v3_datetime(row["updated_at"]),
        },
    }


def event_data(row) -> dict:
    return {"statement_id": row["id"], "lead_provider_id": row["lead_provider_id"], "cohort": row["cohort"],
            "year": row["year"], "month": row["month"], "cut_off_date": row["cut_off_date"],
            "payment_date": row["payment_date"], "status": row["status"]}


ORDER = (statements.c.payment_date, statements.c.cohort, statements.c.id)  # v3: by payment date


def statement_resources(session: Session, lead_provider_id: str, params: ListParams) -> list[dict]:
    where = [statements.c.lead_provider_id == lead_provider_id]
    if params.cohorts is not None:
        where.append(statements.c.cohort.in_(cohort_numbers(params.cohorts) or [0]))
    if params.updated_since is not None:
        where.append(statements.c.updated_at >= params.updated_since)
    types = params.filter("type")
    if params.beyond_any_data or (types is not None and not set(types) & set(STATEMENT_TYPES)):
        return []
    rows = session.execute(select(statements).where(*where).order_by(*ORDER)
                           .limit(params.per_page).offset(params.offset)).mappings()
    return [statement_resource(r) for r in rows]


def statement_row(session: Session, statement_id: str, lead_provider_id: str | None = None, *,
                  for_update: bool = False) -> dict | None:
    query = select(statements).where(statements.c.id == statement_id)
    if lead_provider_id is not None:
        query = query.where(statements.c.lead_provider_id == lead_provider_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).mappings().first()
    return dict(row) if row else None
