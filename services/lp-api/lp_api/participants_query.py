"""Reads of participants for one lead provider: the stored v3 resources as JSON text, and transfers."""
from __future__ import annotations

from sqlalchemy import Table, false, func, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from lp_api.adapters import organisations, participants, transfers
from lp_api.document_pages import document_page
from lp_api.domain.ecf_participant import TRAINING_STATUSES
from lp_api.domain.ecf_transfer import participant_transfer_resource
from lp_api.v3_errors import bad_request
from lp_api.v3_params import ListParams, cohort_numbers

PARTICIPANT_FILTERS = ("training_status", "from_participant_id")
INVALID_TRAINING_STATUS = f"The filter '#/training_status' must be {', '.join(TRAINING_STATUSES)}"


def participant_documents(session: Session, lead_provider_id: str, params: ListParams,
                          token_id: str | None = None, table: Table = participants) -> list[str]:
    """A page of `table`'s documents (participants, or interest_participants: the same shape)."""
    where = [table.c.lead_provider_id == lead_provider_id]
    if params.cohorts is not None:
        where.append(table.c.cohorts.overlap(array(cohort_numbers(params.cohorts) or [0])))
    if params.updated_since is not None:
        where.append(table.c.updated_at >= params.updated_since)
    statuses = params.filter("training_status")
    if statuses is not None:
        if not set(statuses) <= set(TRAINING_STATUSES):
            raise bad_request(INVALID_TRAINING_STATUS)
        where.append(table.c.training_statuses.overlap(array(list(statuses))))
    if params.filter("from_participant_id") is not None:
        where.append(false())  # no participant ids have been merged here
    return document_page(session, table, where, params, token_id=token_id)


def participant_document(session: Session, lead_provider_id: str, participant_id: str) -> str | None:
    return session.execute(select(participants.c.document).where(
        participants.c.id == participant_id, participants.c.lead_provider_id == lead_provider_id)).scalar()


def _involving(lead_provider_id: str):
    return or_(transfers.c.from_lead_provider_id == lead_provider_id, transfers.c.to_lead_provider_id == lead_provider_id)


def transfer_resources(session: Session, lead_provider_id: str, params: ListParams,
                       teacher_id: str | None = None) -> list[dict]:
    """Participants with transfers this lead provider is part of (leaving or joining), oldest first."""
    latest = func.max(transfers.c.created_at)
    query = (select(transfers.c.teacher_id).where(_involving(lead_provider_id)).group_by(transfers.c.teacher_id)
             .order_by(func.min(transfers.c.created_at), transfers.c.teacher_id))
    if teacher_id is not None:
        query = query.where(transfers.c.teacher_id == teacher_id)
    if params.updated_since is not None:
        query = query.having(latest >= params.updated_since)
    if params.beyond_any_data:
        return []
    teacher_ids = list(session.execute(query.limit(params.per_page).offset(params.offset)).scalars())
    if not teacher_ids:
        return []
    rows = list(session.execute(select(transfers).where(transfers.c.teacher_id.in_(teacher_ids),
                                                        _involving(lead_provider_id))
                                .order_by(transfers.c.created_at, transfers.c.id)).mappings())
    organisation_ids = ({r["from_lead_provider_id"] for r in rows} | {r["to_lead_provider_id"] for r in rows}
                        | {r["from_school_id"] for r in rows} | {r["to_school_id"] for r in rows}) - {None}
    orgs = {o["id"]: o for o in session.execute(select(organisations.c.id, organisations.c.name, organisations.c.urn)
                                                 .where(organisations.c.id.in_(organisation_ids))).mappings()}
    return [participant_transfer_resource(teacher, [r for r in rows if r["teacher_id"] == teacher], orgs)
            for teacher in teacher_ids]
