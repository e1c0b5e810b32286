"""Unfunded mentors: mentors of a lead provider's ECTs whom that provider does not train."""
from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lp_api.adapters import enrolments, mentorships, teachers
from lp_api.domain.timestamps import v3_datetime
from lp_api.v3_params import ListParams

UNFUNDED_MENTOR_SORTABLE = ("updated_at",)


def unfunded_mentor_resources(session: Session, lead_provider_id: str, params: ListParams,
                              mentor_id: str | None = None) -> list[dict]:
    if params.beyond_any_data:
        return []
    trained_here = select(enrolments.c.teacher_id).where(enrolments.c.lead_provider_id == lead_provider_id,
                                                         enrolments.c.participant_type == "mentor")
    mentoring = (select(mentorships.c.mentor_teacher_id, func.max(mentorships.c.recorded_at).label("changed_at"))
                 .join(enrolments, and_(enrolments.c.period_id == mentorships.c.ect_period_id,
                                        enrolments.c.participant_type == "ect",
                                        enrolments.c.lead_provider_id == lead_provider_id))
                 .where(mentorships.c.ended.is_(False), mentorships.c.mentor_teacher_id.not_in(trained_here))
                 .group_by(mentorships.c.mentor_teacher_id).subquery())
    updated_at = func.greatest(teachers.c.updated_at, mentoring.c.changed_at).label("updated_at")
    query = select(teachers.c.id, teachers.c.first_name, teachers.c.last_name, teachers.c.email, teachers.c.trn,
                   teachers.c.created_at, updated_at).join(mentoring, mentoring.c.mentor_teacher_id == teachers.c.id)
    if mentor_id is not None:
        query = query.where(teachers.c.id == mentor_id)
    if params.updated_since is not None:
        query = query.where(updated_at >= params.updated_since)
    order = [updated_at.desc() if k.descending else updated_at.asc() for k in params.sort] or [teachers.c.created_at]
    rows = session.execute(query.order_by(*order, teachers.c.id).limit(params.per_page).offset(params.offset))
    return [{
        "id": r.id, "type": "unfunded-mentor",
        "attributes": {"full_name": f"{r.first_name} {r.last_name}".strip(), "email": r.email or "",
                       "teacher_reference_number": r.trn, "created_at": v3_datetime(r.created_at),
                       "updated_at": v3_datetime(r.updated_at)},
    } for r in rows]
