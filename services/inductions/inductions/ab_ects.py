"""An appropriate body's list of ECTs: those it has induction periods for, open (it has an open period) or closed
(all its periods finished), searched by name or TRN, a page at a time."""
from __future__ import annotations

import re

from sqlalchemy import and_, func, not_

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.db import contains_pattern
from ecf_shared.uow import UnitOfWork
from inductions.domain.model import Induction, InductionPeriod
from inductions.views import induction_view

STATUSES = ("open", "closed", "all")


def page(uow: UnitOfWork, principal: Principal, *, appropriate_body_id, status: str, search: str | None, offset: int,
         limit: int) -> tuple[list[dict], int]:
    """The caller's ECTs (hat: the acting appropriate body; blended: all theirs, or one; staff: every ECT with a
    period), each with only the readable periods; and how many there are on every page."""
    scope = readable(principal, organisation_id=appropriate_body_id, organisation_types=("appropriate_body",))
    mine = True if scope.everything else InductionPeriod.appropriate_body_id.in_(scope.organisation_ids)
    open_here = Induction.periods.any(and_(mine, InductionPeriod.finished_on.is_(None)))
    q = uow.session.query(Induction).filter(Induction.periods.any(mine))
    if status == "open":
        q = q.filter(open_here)
    elif status == "closed":
        q = q.filter(not_(open_here))
    search = (search or "").strip()
    if re.fullmatch(r"\d{7}", search):
        q = q.filter(Induction.trn == search)
    elif search:
        q = q.filter(func.concat(Induction.first_name, " ", Induction.last_name).ilike(contains_pattern(search), escape="\\"))
    total = q.count()
    if offset >= total:
        return [], total
    rows = q.order_by(func.lower(Induction.last_name), func.lower(Induction.first_name), Induction.trn) \
        .offset(offset).limit(limit).all()
    return [induction_view(i, None if scope.everything else scope.organisation_ids) for i in rows], total
