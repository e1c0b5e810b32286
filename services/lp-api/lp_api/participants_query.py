"""Reads of the participants read model: the stored v3 resources, as JSON text, for one lead provider.

Pages are OFFSET pages because v3 numbers them; every order ends in `id`, and the indexes on
(lead_provider_id, created_at, id) and (lead_provider_id, updated_at, id) serve the common orders.
Deep pages of a large provider would want keyset pagination; that is a later optimisation.
"""
from __future__ import annotations

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from lp_api.adapters import participants
from lp_api.v3_params import ListParams

DEFAULT_ORDER = (participants.c.created_at.asc(), participants.c.id.asc())


def participant_documents(session: Session, lead_provider_id: str, params: ListParams) -> list[str]:
    if params.beyond_any_data:
        return []
    query = select(cast(participants.c.document, Text)).where(participants.c.lead_provider_id == lead_provider_id)
    if params.cohorts is not None:
        cohorts = [int(c) for c in params.cohorts if c.isascii() and c.isdigit() and len(c) <= 9]
        query = query.where(participants.c.cohort.in_(cohorts))  # unknown cohorts match nothing, as in v3
    if params.updated_since is not None:
        query = query.where(participants.c.updated_at >= params.updated_since)
    return list(session.execute(query.order_by(*_order(params)).limit(params.per_page).offset(params.offset)).scalars())


def participant_document(session: Session, lead_provider_id: str, participant_id: str) -> str | None:
    return session.execute(
        select(cast(participants.c.document, Text))
        .where(participants.c.id == participant_id, participants.c.lead_provider_id == lead_provider_id)
    ).scalar()


def _order(params: ListParams) -> tuple:
    if not params.sort:
        return DEFAULT_ORDER
    columns = [getattr(participants.c, key.field).desc() if key.descending else getattr(participants.c, key.field).asc()
               for key in params.sort]
    return (*columns, participants.c.id.asc())
