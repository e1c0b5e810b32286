"""Reads of declarations other modules need (no writes, nothing imported from the projections)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lp_api.declarations.rules import HOLDS_SLOT, LONDON
from lp_api.declarations.tables import declarations

MENTOR_COMPLETED = "completed_declaration_received"


def mentor_completion(session: Session, teacher_id: str) -> tuple[date, str] | None:
    """What v3 derives for a mentor from their declarations: a completed declaration that may still be paid (any
    lead provider's) ends their funding on its date (mentor_funding_end_date, mentor_ineligible_for_funding_reason)."""
    declared = session.execute(select(declarations.c.declaration_date).where(
        declarations.c.teacher_id == teacher_id, declarations.c.course_identifier == "ecf-mentor",
        declarations.c.declaration_type == "completed", declarations.c.state.in_(HOLDS_SLOT))
        .order_by(declarations.c.declaration_date.desc()).limit(1)).scalar()
    return (declared.astimezone(LONDON).date(), MENTOR_COMPLETED) if declared else None
