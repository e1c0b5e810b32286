"""Expressions of interest as the schools endpoint shows them: for each school, cohort and lead provider,
whether the school has chosen that provider for a teacher's training without a partnership yet (an
enrolment with a lead provider and no delivery partner, of a teacher still at the school and not withdrawn).

Recomputed for the schools whose enrolments a change touched. A row's updated_at moves only when its
flag changes, and a row stays when the interest ends, so the school's updated_at moves then too. Each
school is locked (until commit) before its enrolments are read: two teachers' changes at one school,
handled at once, would otherwise each miss the other's and the later commit could undo an interest.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ecf_shared.db import lock_until_commit
from lp_api.adapters import enrolments, school_interests
from lp_api.read_model_time import moved_forward, transaction_time


def is_interest(enrolment) -> bool:
    """The rule the query in refresh_school_interests applies, for one enrolment row."""
    return bool(enrolment["lead_provider_id"] and not enrolment["delivery_partner_id"]
                and enrolment["participant_status"] == "active" and enrolment["training_status"] != "withdrawn")


def lock_schools(session: Session, school_ids: Iterable[str]) -> None:
    """Until commit. Taken before the teacher rows a change locks, by every path, so no two wait on each other."""
    for school_id in sorted(set(school_ids)):
        lock_until_commit(session, f"lp-api school interests {school_id}")


def refresh_school_interests(session: Session, school_ids: Iterable[str]) -> None:
    """The caller holds lock_schools for them (taken before it locked any teacher's rows)."""
    school_ids = sorted(set(school_ids))
    if not school_ids:
        return
    interested = {tuple(row) for row in session.execute(
        select(enrolments.c.school_id, enrolments.c.lead_provider_id, enrolments.c.cohort).distinct().where(
            enrolments.c.school_id.in_(school_ids), enrolments.c.lead_provider_id.isnot(None),
            enrolments.c.delivery_partner_id.is_(None), enrolments.c.participant_status == "active",
            enrolments.c.training_status != "withdrawn"))}
    recorded = {(r.school_id, r.lead_provider_id, r.cohort): r for r in session.execute(
        select(school_interests).where(school_interests.c.school_id.in_(school_ids)))}
    for key in sorted(interested - recorded.keys()):
        school_id, lead_provider_id, cohort = key
        session.execute(insert(school_interests).values(
            school_id=school_id, lead_provider_id=lead_provider_id, cohort=cohort, interested=True,
            updated_at=transaction_time(session)).on_conflict_do_nothing())
    for key, row in recorded.items():
        if row.interested != (key in interested):
            session.execute(update(school_interests).where(
                school_interests.c.school_id == row.school_id, school_interests.c.lead_provider_id == row.lead_provider_id,
                school_interests.c.cohort == row.cohort).values(interested=key in interested,
                                                                updated_at=moved_forward(session, row.updated_at)))
