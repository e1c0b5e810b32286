"""The delivery partners a lead provider works with, and for which cohorts."""
from __future__ import annotations

from sqlalchemy import Integer, func, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from lp_api.adapters import lead_provider_delivery_partners as relationships
from lp_api.adapters import organisations
from lp_api.domain.timestamps import v3_datetime
from lp_api.v3_params import ListParams, cohort_numbers


def delivery_partner_resources(session: Session, lead_provider_id: str, params: ListParams,
                               delivery_partner_id: str | None = None) -> list[dict]:
    if params.beyond_any_data:
        return []
    related = (select(relationships.c.delivery_partner_id,
                      func.array_agg(relationships.c.cohort.distinct(), type_=ARRAY(Integer)).label("cohorts"),
                      func.max(relationships.c.created_at).label("changed_at"))
               .where(relationships.c.lead_provider_id == lead_provider_id)
               .group_by(relationships.c.delivery_partner_id).subquery())
    updated_at = func.greatest(organisations.c.updated_at, related.c.changed_at).label("updated_at")
    query = (select(organisations.c.id, organisations.c.name, organisations.c.created_at, updated_at,
                    related.c.cohorts)
             .join(related, related.c.delivery_partner_id == organisations.c.id))
    if delivery_partner_id is not None:
        query = query.where(organisations.c.id == delivery_partner_id)
    if params.cohorts is not None:
        query = query.where(related.c.cohorts.overlap(array(cohort_numbers(params.cohorts) or [0])))
    columns = {"created_at": organisations.c.created_at, "updated_at": updated_at}
    order = ([columns[k.field].desc() if k.descending else columns[k.field].asc() for k in params.sort]
             or [organisations.c.created_at.asc()])
    rows = session.execute(query.order_by(*order, organisations.c.id).limit(params.per_page).offset(params.offset))
    return [{
        "id": r.id, "type": "delivery-partner",
        "attributes": {"name": r.name, "cohort": [str(c) for c in sorted(r.cohorts)],
                       "created_at": v3_datetime(r.created_at), "updated_at": v3_datetime(r.updated_at)},
    } for r in rows]
