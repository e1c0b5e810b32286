"""Reads of a lead provider's partnerships: the stored v3 resources as JSON text."""
from __future__ import annotations

from sqlalchemy import false
from sqlalchemy.orm import Session

from lp_api.adapters import partnerships
from lp_api.document_pages import document_page
from lp_api.v3_bodies import uuid_or_none
from lp_api.v3_params import ListParams, cohort_numbers

PARTNERSHIP_FILTERS = ("delivery_partner_id",)


def partnership_documents(session: Session, lead_provider_id: str, params: ListParams,
                          token_id: str | None = None) -> list[str]:
    where = [partnerships.c.lead_provider_id == lead_provider_id]
    if params.cohorts is not None:
        where.append(partnerships.c.cohort.in_(cohort_numbers(params.cohorts)))
    if params.updated_since is not None:
        where.append(partnerships.c.updated_at >= params.updated_since)
    delivery_partner_ids = params.filter("delivery_partner_id")
    if delivery_partner_ids is not None:
        valid = [i for i in map(uuid_or_none, delivery_partner_ids) if i]
        where.append(partnerships.c.delivery_partner_id.in_(valid) if valid else false())
    return document_page(session, partnerships, where, params, token_id=token_id)
