"""Writing declarations: every change rewrites the stored v3 document, moves updated_at, is audited with its author
and published (lp-api.declaration.recorded / state_changed) in the same transaction. A mentor's completed
declaration also changes what their participant resource shows (mentor_funding_end_date)."""
from __future__ import annotations

import json
from contextlib import nullcontext

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecf_shared.events.envelope import jsonable
from ecf_shared.uow import UnitOfWork
from lp_api.adapters import organisations
from lp_api.declarations.author import Author, audit_all
from lp_api.declarations.resource import declaration_resource
from lp_api.declarations.tables import declarations
from lp_api.read_model_time import moved_forward

UNCHANGED = object()


def lead_provider_name(session: Session, lead_provider_id: str) -> str:
    return session.execute(select(organisations.c.name).where(organisations.c.id == lead_provider_id)).scalar() or ""


def document_of(row: dict, name: str) -> str:
    return json.dumps(declaration_resource(row, lead_provider_name=name), separators=(",", ":"))


def event_data(row: dict, previous_state: str | None) -> dict:
    return {"declaration_id": row["id"], "lead_provider_id": row["lead_provider_id"], "participant_id": row["teacher_id"],
            "participant_type": row["participant_type"], "course_identifier": row["course_identifier"],
            "declaration_type": row["declaration_type"], "declaration_date": row["declaration_date"],
            "evidence_held": row["evidence_held"], "cohort": row["cohort"],
            "delivery_partner_id": row["delivery_partner_id"], "state": row["state"], "previous_state": previous_state,
            "ineligible_reason": row["ineligible_reason"], "statement_id": row["statement_id"],
            "clawback_statement_id": row["clawback_statement_id"]}


def _audit_entry(row: dict, action: str, previous_state: str | None) -> dict:
    return {"lead_provider_id": row["lead_provider_id"], "action": action, "subject_type": "participant_declaration",
            "subject_id": row["id"], "details": jsonable({"from": previous_state, "to": row["state"],
                                                         "statement_id": row["statement_id"],
                                                         "clawback_statement_id": row["clawback_statement_id"]})}


def record(uow: UnitOfWork, row: dict, author: Author) -> dict:
    """Insert a new declaration, submitted and judged (its row apart from document and timestamps); the stored row."""
    session = uow.session
    now = moved_forward(session, None)
    row = {**row, "created_at": now, "updated_at": now}
    row["document"] = document_of(row, lead_provider_name(session, row["lead_provider_id"]))
    session.execute(declarations.insert().values(**row))
    uow.publish("lp-api.declaration.recorded", event_data(row, "submitted"), actor=author.actor)
    audit_all(session, author, [_audit_entry(row, "declaration_recorded", "submitted")])
    _refresh_mentor([row], session)
    return row


def change_state(uow: UnitOfWork, rows: list[dict], state: str, author: Author, *, statement_id=UNCHANGED,
                 clawback_statement_id=UNCHANGED) -> list[dict]:
    """Move each declaration (rows read FOR UPDATE) to `state`; the changed rows. Many at once (a statement's cut-off
    or payment) are published as one batch."""
    session = uow.session
    names: dict[str, str] = {}
    changed, audits = [], []
    with uow.in_bulk() if len(rows) > 1 else nullcontext():
        for current in rows:
            values = {"state": state, "updated_at": moved_forward(session, current["updated_at"])}
            if statement_id is not UNCHANGED:
                values["statement_id"] = statement_id
            if clawback_statement_id is not UNCHANGED:
                values["clawback_statement_id"] = clawback_statement_id
            row = {**current, **values}
            lead_provider = row["lead_provider_id"]
            if lead_provider not in names:
                names[lead_provider] = lead_provider_name(session, lead_provider)
            row["document"] = document_of(row, names[lead_provider])
            session.execute(update(declarations).where(declarations.c.id == row["id"])
                            .values(document=row["document"], **values))
            uow.publish("lp-api.declaration.state_changed", event_data(row, current["state"]), actor=author.actor)
            audits.append(_audit_entry(row, f"declaration_{state}", current["state"]))
            changed.append(row)
    audit_all(session, author, audits)
    _refresh_mentor(changed, session)
    return changed


def _refresh_mentor(rows: list[dict], session: Session) -> None:
    from lp_api.participant_projection import refresh_participant  # it reads declarations (queries) itself

    for teacher_id in sorted({r["teacher_id"] for r in rows
                              if r["participant_type"] == "mentor" and r["declaration_type"] == "completed"}):
        refresh_participant(session, teacher_id)
