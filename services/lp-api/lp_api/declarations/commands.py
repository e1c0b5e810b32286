"""A lead provider declares a milestone, or voids a declaration (POST and PUT .../void of
/api/v3/participant-declarations).

Declaring: the request is checked against v3's rules (`rules`); an identical repeat of a declaration that still
stands answers it again; another of the same participant, course and type that may still be paid is refused. One at
a time per participant, course and type (an advisory lock, with a unique index behind it), so concurrent identical
requests make one declaration. A submitted declaration is judged at once, in the same transaction, and recorded
as judged: eligible and attached to the next open output statement, or ineligible when another lead provider's
declaration already holds that milestone (lp-api never tells one provider about another's declarations, so it is
not refused). With no open statement left for the cohort, the
declaration is refused as v3 refuses it.

Voiding: not yet paid → voided (off its statement); paid → awaiting clawback on the next open statement, clawed back
when that statement is paid.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from ecf_shared.db import lock_until_commit
from ecf_shared.uow import UnitOfWork
from lp_api.adapters import enrolments, mentorships, participants
from lp_api.declarations import rules
from lp_api.declarations.author import Author
from lp_api.declarations.rules import COURSES, HOLDS_SLOT, Enrolment, Refusals
from lp_api.declarations.store import change_state, record
from lp_api.declarations.tables import declarations
from lp_api.domain.ecf_participant import DEFAULT_SCHEDULE, SCHEDULES
from lp_api.statements.store import next_open_statement
from lp_api.v3_bodies import attributes_of, uuid_or_none
from lp_api.v3_errors import V3Error, not_found

BODY_TYPE = "participant-declaration"


class Refused(Exception):
    """v3's 422 with every refusal (one error per attribute)."""

    def __init__(self, refusals: Refusals):
        super().__init__(refusals.items)
        self.refusals = refusals


def _refuse(attribute: str, message: str) -> Refused:
    refusals = Refusals()
    refusals.add(attribute, message)
    return Refused(refusals)


def _visible(session: Session, lead_provider_id: str, teacher_id: str | None) -> bool:
    return teacher_id is not None and session.execute(select(participants.c.id).where(
        participants.c.id == teacher_id, participants.c.lead_provider_id == lead_provider_id)).first() is not None


def _enrolment(session: Session, lead_provider_id: str, teacher_id: str, participant_type: str) -> dict | None:
    """The training the provider sees for that course (through a partnership first), share-locked so a withdrawal
    cannot slip in before the declaration commits."""
    row = session.execute(select(enrolments).where(
        enrolments.c.teacher_id == teacher_id, enrolments.c.lead_provider_id == lead_provider_id,
        enrolments.c.participant_type == participant_type)
        .order_by(enrolments.c.delivery_partner_id.is_(None), enrolments.c.created_at.desc()).limit(1)
        .with_for_update(read=True)).mappings().first()
    return dict(row) if row else None


def _facts(enrolment: dict) -> Enrolment:
    withdrawal = enrolment["withdrawal"] or {}
    withdrawn_at = datetime.fromisoformat(withdrawal["date"]) if withdrawal.get("date") else None
    schedule = enrolment["schedule"] if enrolment["schedule"] in SCHEDULES else DEFAULT_SCHEDULE
    return Enrolment(enrolment["participant_type"], enrolment["cohort"], schedule, enrolment["training_status"],
                     withdrawn_at)


def _mentor_of(session: Session, enrolment: dict) -> str | None:
    if enrolment["participant_type"] != "ect":
        return None
    return session.execute(select(mentorships.c.mentor_teacher_id).where(
        mentorships.c.ect_period_id == enrolment["period_id"], mentorships.c.ended.is_(False))
        .ext(distinct_on(mentorships.c.ect_period_id))
        .order_by(mentorships.c.ect_period_id, mentorships.c.started_on.desc(), mentorships.c.id)).scalar()


def declare(uow: UnitOfWork, lead_provider_id: str, author: Author, body, *, now: datetime, today) -> str:
    """The declaration's v3 document (new, or the one an identical request made); Refused otherwise."""
    session = uow.session
    attributes = attributes_of(body, BODY_TYPE)
    raw_participant = attributes.get("participant_id")
    teacher_id = uuid_or_none(raw_participant)
    course = attributes.get("course_identifier")
    participant_type = COURSES.get(course) if isinstance(course, str) else None
    known = _visible(session, lead_provider_id, teacher_id)
    enrolment = _enrolment(session, lead_provider_id, teacher_id, participant_type) \
        if known and participant_type else None
    facts = _facts(enrolment) if enrolment else None
    refusals, declared = rules.check(
        attributes, participant_given=not (raw_participant is None or str(raw_participant).strip() == ""),
        participant_known=known, enrolment=facts, now=now)
    if refusals:
        raise Refused(refusals)

    # One request at a time per milestone of a participant, whichever lead provider asks.
    lock_until_commit(session, f"declaration:{teacher_id}:{course}:{declared.declaration_type}")
    standing = [dict(r) for r in session.execute(select(declarations).where(
        declarations.c.teacher_id == teacher_id, declarations.c.course_identifier == course,
        declarations.c.declaration_type == declared.declaration_type,
        declarations.c.state.in_(HOLDS_SLOT + ("ineligible",))).order_by(declarations.c.created_at)).mappings()]
    mine = [d for d in standing if d["lead_provider_id"] == lead_provider_id]
    for existing in mine:
        if (existing["declaration_date"] == declared.declaration_date
                and existing["evidence_held"] == declared.evidence_held):
            return existing["document"]  # an identical repeat: the declaration it made
    if any(d["state"] in HOLDS_SLOT for d in mine):
        raise _refuse("base", rules.ALREADY_DECLARED)
    holder = next((d for d in standing if d["state"] in HOLDS_SLOT), None)  # another provider's

    statement = None
    if holder is None:
        statement = next_open_statement(session, lead_provider_id, facts.cohort, today)
        if statement is None:
            raise _refuse("cohort", rules.NO_OPEN_STATEMENT.format(cohort=facts.cohort))
    duplicate = holder is not None
    row = {"id": str(uuid.uuid4()), "lead_provider_id": lead_provider_id, "teacher_id": teacher_id,
           "enrolment_id": enrolment["id"], "participant_type": participant_type, "course_identifier": course,
           "declaration_type": declared.declaration_type, "declaration_date": declared.declaration_date,
           "evidence_held": declared.evidence_held, "cohort": facts.cohort, "schedule": facts.schedule,
           "delivery_partner_id": enrolment["delivery_partner_id"], "mentor_id": _mentor_of(session, enrolment),
           "state": "ineligible" if duplicate else "eligible",
           "ineligible_reason": rules.INELIGIBLE_DUPLICATE if duplicate else None,
           "superseded_by_id": holder["id"] if duplicate else None,
           "statement_id": None if duplicate else statement["id"], "clawback_statement_id": None}
    return record(uow, row, author)["document"]


def void(uow: UnitOfWork, lead_provider_id: str, author: Author, declaration_id: str, *, today) -> str:
    session = uow.session
    row = session.execute(select(declarations).where(
        declarations.c.id == declaration_id, declarations.c.lead_provider_id == lead_provider_id)
        .with_for_update()).mappings().first()
    if row is None:
        raise not_found()
    row = dict(row)
    if row["state"] == "voided":
        raise V3Error(422, rules.INVALID_ACTION, rules.ALREADY_VOIDED)
    if row["state"] == "paid":
        statement = next_open_statement(session, lead_provider_id, row["cohort"], today)
        if statement is None:
            raise V3Error(422, rules.INVALID_ACTION, rules.NO_OPEN_STATEMENT.format(cohort=row["cohort"]))
        [row] = change_state(uow, [row], "awaiting_clawback", author, clawback_statement_id=statement["id"])
        return row["document"]
    if row["state"] not in rules.VOIDABLE:
        raise V3Error(422, rules.INVALID_ACTION, rules.NOT_VOIDABLE)
    [row] = change_state(uow, [row], "voided", author, statement_id=None)
    return row["document"]
