"""Schools as v3 shows them to lead providers: eligible schools, per cohort, with whether they are partnered,
and (beyond v3: clients ignore what they do not know) whether the school expressed interest in the calling
lead provider: chose it for a teacher's training before any partnership (school_interests)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lp_api.adapters import organisations, partnerships, school_interests
from lp_api.domain.timestamps import v3_datetime
from lp_api.v3_errors import bad_request
from lp_api.v3_params import ListParams, cohort_numbers

SCHOOL_FILTERS = ("urn",)
SCHOOL_SORTABLE = ("updated_at",)
COHORT_REQUIRED = "The filter '#/cohort' must be included in your request"


def school_resources(session: Session, lead_provider_id: str, params: ListParams,
                     school_id: str | None = None) -> list[dict]:
    if params.cohorts is None:
        raise bad_request(COHORT_REQUIRED)
    cohorts = cohort_numbers(params.cohorts)
    if not cohorts or params.beyond_any_data:
        return []
    cohort = cohorts[0]
    schools = [organisations.c.type == "school", organisations.c.eligible.is_(True), organisations.c.status != "closed"]
    if school_id is not None:
        schools.append(organisations.c.id == school_id)
    if params.filter("urn") is not None:
        schools.append(organisations.c.urn.in_(params.filter("urn")))
    # In creation order (the default) the page is known before partnerships and interests are looked at, so they
    # are gathered for its schools only; sorting or filtering by updated_at needs them for every school.
    page = None
    if not params.sort and params.updated_since is None:
        page = (select(organisations.c.id).where(*schools).order_by(organisations.c.created_at, organisations.c.id)
                .limit(params.per_page).offset(params.offset).cte("page"))
    partnered = (select(partnerships.c.school_id, func.max(partnerships.c.updated_at).label("changed_at"))
                 .where(partnerships.c.cohort == cohort).group_by(partnerships.c.school_id))
    # Any provider's interest makes the school's choice provider-led, so every interest's change moves updated_at.
    interests = (select(school_interests.c.school_id,
                        func.bool_or(school_interests.c.interested
                                     & (school_interests.c.lead_provider_id == lead_provider_id)).label("ours"),
                        func.bool_or(school_interests.c.interested).label("any"),
                        func.max(school_interests.c.updated_at).label("changed_at"))
                 .where(school_interests.c.cohort == cohort).group_by(school_interests.c.school_id))
    if page is not None:
        partnered = partnered.where(partnerships.c.school_id.in_(select(page.c.id)))
        interests = interests.where(school_interests.c.school_id.in_(select(page.c.id)))
    partnered, interests = partnered.subquery(), interests.subquery()
    updated_at = func.greatest(organisations.c.updated_at, partnered.c.changed_at,
                               interests.c.changed_at).label("updated_at")
    query = (select(organisations.c.id, organisations.c.name, organisations.c.urn, organisations.c.created_at,
                    updated_at, partnered.c.school_id.isnot(None).label("in_partnership"),
                    func.coalesce(interests.c.ours, False).label("expression_of_interest"),
                    func.coalesce(interests.c.any, False).label("any_interest"))
             .outerjoin(partnered, partnered.c.school_id == organisations.c.id)
             .outerjoin(interests, interests.c.school_id == organisations.c.id))
    query = query.join(page, page.c.id == organisations.c.id) if page is not None else query.where(*schools)
    if params.updated_since is not None:
        query = query.where(updated_at >= params.updated_since)
    order = ([updated_at.desc() if k.descending else updated_at.asc() for k in params.sort]
             or [organisations.c.created_at.asc()])
    query = query.order_by(*order, organisations.c.id)
    rows = session.execute(query if page is not None else query.limit(params.per_page).offset(params.offset))
    return [{
        "id": r.id, "type": "school",
        "attributes": {"name": r.name, "urn": r.urn or "", "cohort": str(cohort), "in_partnership": r.in_partnership,
                       "induction_programme_choice": ("provider_led" if r.in_partnership or r.any_interest
                                                      else "not_yet_known"),
                       "created_at": v3_datetime(r.created_at), "updated_at": v3_datetime(r.updated_at),
                       "expression_of_interest": r.expression_of_interest},
    } for r in rows]
