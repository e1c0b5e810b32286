"""Keeps teachers, enrolments, mentorships and induction end dates from other services' events, and the
participant documents assembled from them (one per lead provider and teacher).

Each source row remembers the occurred_at of the event last applied (`source_at`): a late, older event
is ignored. A document's `updated_at` is the transaction time of the change that altered it
(read_model_time), and it only moves when something a lead provider sees changed.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date, datetime, time, UTC

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.orm import Session

from ecf_shared.ordering import upsert_if_newer
from lp_api.adapters import (enrolments, induction_ends, induction_statuses, interest_participants, mentorships,
                             organisations, participants, teachers, transfers)
from lp_api.domain.ecf_participant import (DEFERRAL_REASONS, WITHDRAWAL_REASONS, ecf_participant_resource,
                                           lead_provider_of, same_content, v3_reason)
from lp_api.declarations.queries import mentor_completion
from lp_api.domain.timestamps import v3_datetime
from lp_api.read_model_time import moved_forward, transaction_time
from lp_api.school_interests import is_interest, lock_schools, refresh_school_interests

ENDED_INDUCTION_STATUSES = ("Passed", "Failed", "FailedInWales")


# --- registrations -------------------------------------------------------------------------------
def record_ect_registration(session: Session, data: dict, occurred_at: datetime) -> None:
    _record_registration(session, data, occurred_at, participant_type="ect", period_id=data["ect_period_id"])


def record_mentor_registration(session: Session, data: dict, occurred_at: datetime) -> None:
    _record_registration(session, data, occurred_at, participant_type="mentor", period_id=data["mentor_period_id"])


def _record_registration(session: Session, data: dict, occurred_at: datetime, *, participant_type: str,
                         period_id: str) -> None:
    teacher_id = data["teacher_id"]
    _record_teacher(session, teacher_id, occurred_at, trn=data["trn"], first_name=data["first_name"],
                    last_name=data["last_name"], email=data["email"])
    training = data.get("training")
    if training:
        current = _enrolment_where(session, enrolments.c.training_period_id == training["training_period_id"])
        if current is None or current["source_at"] <= occurred_at:
            values = {"teacher_id": teacher_id, "participant_type": participant_type, "period_id": period_id,
                      "school_id": data["school_id"], "school_urn": data.get("school_urn"), "email": data["email"],
                      "registered_by": data["registered_by"], "participant_status": "active", "source_at": occurred_at,
                      **_training_values(training, current, reason=None, effective_at=occurred_at)}
            _save_enrolment(session, current, values, created_at=datetime.fromisoformat(data["registered_at"]))
    refresh_participant(session, teacher_id)


def record_training_change(session: Session, data: dict, occurred_at: datetime) -> None:
    # Registrations applying a lead provider's own request is ordered by when the request was made, so that it does
    # not undo a later request lp-api already shows (defer, then resume, then the defer's echo arrives).
    if data.get("requested_at"):
        occurred_at = datetime.fromisoformat(data["requested_at"])
    training = data["training"]
    current = (_enrolment_where(session, enrolments.c.training_period_id == training["training_period_id"])
               or (data.get("previous_training_period_id") and _enrolment_where(
                   session, enrolments.c.training_period_id == data["previous_training_period_id"]))
               or _enrolment_where(session, (enrolments.c.period_id == data["period_id"])
                                   & (enrolments.c.participant_type == data["participant_type"])))
    if current and current["source_at"] > occurred_at:
        return
    teacher = session.execute(select(teachers).where(teachers.c.id == data["teacher_id"])).mappings().first()
    effective_at = datetime.combine(date.fromisoformat(data["effective_on"]), time(), tzinfo=UTC)
    if current and current["lead_provider_id"] == lead_provider_of(training):
        values = _training_values(training, current, reason=data.get("reason"), effective_at=effective_at)
        _save_enrolment(session, current, {**values, "source_at": occurred_at}, created_at=current["created_at"])
    else:
        # Another lead provider (or none): the old provider no longer sees this training at all.
        if current:
            session.execute(delete(enrolments).where(enrolments.c.id == current["id"]))
        base = current or {"school_urn": None, "registered_by": {},
                           "email": teacher["email"] if teacher and teacher["email"] else ""}
        values = {"teacher_id": data["teacher_id"], "participant_type": data["participant_type"],
                  "period_id": data["period_id"], "school_id": data["school_id"], "school_urn": base["school_urn"],
                  "email": base["email"], "registered_by": base["registered_by"], "participant_status": "active",
                  "source_at": occurred_at,
                  **_training_values(training, None, reason=data.get("reason"), effective_at=effective_at)}
        _save_enrolment(session, None, values, created_at=occurred_at)
    refresh_participant(session, data["teacher_id"],
                        ended_interest_at=current["school_id"] if current and is_interest(current) else None)


def record_left_school(session: Session, data: dict, occurred_at: datetime) -> None:
    session.execute(update(enrolments).where(
        enrolments.c.period_id == data["period_id"], enrolments.c.participant_type == data["participant_type"],
        enrolments.c.source_at <= occurred_at).values(participant_status="left", source_at=occurred_at))
    refresh_participant(session, data["teacher_id"])


def record_moved_school(session: Session, data: dict, occurred_at: datetime) -> None:
    training = data["training"]
    new_lead_provider = lead_provider_of(training)
    leaving = list(session.execute(select(enrolments).where(
        enrolments.c.period_id == data["from_period_id"], enrolments.c.participant_type == "ect",
        enrolments.c.source_at <= occurred_at).with_for_update()).mappings())
    staying = next((e for e in leaving if new_lead_provider and e["lead_provider_id"] == new_lead_provider), None)
    joining = {"period_id": data["to_period_id"], "school_id": data["to_school_id"],
               "school_urn": data.get("to_school_urn"), "email": data["email"], "participant_status": "active",
               "source_at": occurred_at}
    moved_at = datetime.combine(date.fromisoformat(data["moved_on"]), time(), tzinfo=UTC)
    if staying:
        values = {**joining, **_training_values(training, staying, reason=None, effective_at=moved_at)}
        _save_enrolment(session, staying, values, created_at=staying["created_at"])
        training_record_id, from_lead_provider = staying["id"], new_lead_provider
    else:
        for row in leaving:
            session.execute(update(enrolments).where(enrolments.c.id == row["id"])
                            .values(participant_status="left", source_at=occurred_at))
        current = _enrolment_where(session, enrolments.c.training_period_id == training["training_period_id"])
        values = {**joining, "teacher_id": data["teacher_id"], "participant_type": "ect",
                  "registered_by": data["registered_by"],
                  **_training_values(training, current, reason=None, effective_at=moved_at)}
        _save_enrolment(session, current, values, created_at=occurred_at)
        training_record_id = current["id"] if current else training["training_period_id"]
        from_lead_provider = next((e["lead_provider_id"] for e in leaving if e["lead_provider_id"]), None)
    if from_lead_provider or new_lead_provider:
        session.execute(insert(transfers).values(
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"transfer:{data['to_period_id']}")), teacher_id=data["teacher_id"],
            training_record_id=training_record_id, from_lead_provider_id=from_lead_provider,
            to_lead_provider_id=new_lead_provider, from_school_id=data["from_school_id"],
            to_school_id=data["to_school_id"], to_school_urn=data.get("to_school_urn"), moved_on=data["moved_on"],
            created_at=occurred_at).on_conflict_do_nothing())
    refresh_participant(session, data["teacher_id"], ended_interest_at=data["from_school_id"]
                        if any(is_interest(e) for e in leaving) else None)


def record_details_change(session: Session, data: dict, occurred_at: datetime) -> None:
    teacher = session.execute(select(teachers).where(teachers.c.id == data["teacher_id"])).mappings().first()
    _record_teacher(session, data["teacher_id"], occurred_at, trn=data["trn"], first_name=data["first_name"],
                    last_name=data["last_name"], email=data.get("email") or (teacher["email"] if teacher else None))
    if data.get("email"):
        where = [enrolments.c.teacher_id == data["teacher_id"], enrolments.c.source_at <= occurred_at]
        if data.get("period_id"):
            where.append(enrolments.c.period_id == data["period_id"])
        if data.get("participant_type"):
            where.append(enrolments.c.participant_type == data["participant_type"])
        session.execute(update(enrolments).where(*where).values(email=data["email"]))
    refresh_participant(session, data["teacher_id"])


def record_mentorship(session: Session, data: dict, occurred_at: datetime, *, ended: bool) -> None:
    statement = insert(mentorships).values(
        id=data["mentorship_id"], ect_period_id=data["ect_period_id"], mentor_teacher_id=data["mentor_teacher_id"],
        started_on=data["started_on"], ended=ended or bool(data.get("finished_on")),
        recorded_at=transaction_time(session))
    # An ended mentorship stays ended, whichever of its events arrives last.
    session.execute(statement.on_conflict_do_update(
        index_elements=[mentorships.c.id], set_={"ended": mentorships.c.ended | statement.excluded.ended,
                                                 "recorded_at": statement.excluded.recorded_at},
        where=mentorships.c.ended.is_distinct_from(mentorships.c.ended | statement.excluded.ended)))
    refresh_participant(session, data["ect_teacher_id"])


# --- inductions ----------------------------------------------------------------------------------
def record_induction_status(session: Session, data: dict, occurred_at: datetime) -> None:
    upsert_if_newer(session, induction_statuses, {"trn": data["trn"]}, {"status": data["new_status"]}, occurred_at)
    ended = data["new_status"] in ENDED_INDUCTION_STATUSES
    _record_induction_end(session, data["trn"], data.get("completed_date") if ended else None, occurred_at)


def record_induction_period_closed(session: Session, data: dict, occurred_at: datetime) -> None:
    if data.get("outcome"):  # a release closes a period but not the induction
        _record_induction_end(session, data["trn"], data.get("finished_on"), occurred_at)


def _record_induction_end(session: Session, trn: str, end_date: str | None, occurred_at: datetime) -> None:
    shown_before = session.execute(select(induction_ends.c.end_date).where(induction_ends.c.trn == trn)
                                   .with_for_update()).scalar()
    if not upsert_if_newer(session, induction_ends, {"trn": trn}, {"end_date": end_date}, occurred_at) \
            or shown_before == _date(end_date):
        return  # what participants show is unchanged (most status changes end nothing): no documents to rebuild
    for teacher_id in session.execute(select(teachers.c.id).where(teachers.c.trn == trn)).scalars():
        refresh_participant(session, teacher_id)


def _date(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def refresh_school(session: Session, school_id: str) -> None:
    """Recompute the participants at a school whose details changed (only real changes are written)."""
    lock_schools(session, [school_id])  # first, as refresh_participant takes it before a teacher's rows
    teacher_ids = session.execute(select(enrolments.c.teacher_id).where(enrolments.c.school_id == school_id)
                                  .distinct().order_by(enrolments.c.teacher_id)).scalars()
    for teacher_id in list(teacher_ids):
        refresh_participant(session, teacher_id)


# --- the documents -------------------------------------------------------------------------------
def refresh_participant(session: Session, teacher_id: str, *, ended_interest_at: str | None = None) -> None:
    """The teacher's participant documents and, if they have an expression of interest (or the change ended one
    at `ended_interest_at`, a school), their schools' interests."""
    rows = list(session.execute(select(enrolments).where(enrolments.c.teacher_id == teacher_id)
                                .order_by(enrolments.c.created_at, enrolments.c.id)).mappings())
    teacher = session.execute(select(teachers).where(teachers.c.id == teacher_id)).mappings().first()
    # Only then, so events at partnered schools never wait on a school's lock; it is taken before the teacher's
    # documents are locked, as refresh_school takes it before its teachers'.
    interests = bool(ended_interest_at) or any(r["lead_provider_id"] and not r["delivery_partner_id"] for r in rows)
    schools = set()
    if interests:
        schools = {r["school_id"] for r in rows} | ({ended_interest_at} if ended_interest_at else set())
    lock_schools(session, schools)
    if teacher is not None:
        _refresh_documents(session, teacher, rows, interests=interests)
    refresh_school_interests(session, schools)


def _refresh_documents(session: Session, teacher, rows: list, *, interests: bool) -> None:
    """`interests`: whether the teacher has (or just lost) an expression of interest; if not, they have no
    interest documents to write or delete."""
    teacher_id = teacher["id"]
    school_urns = dict(session.execute(select(organisations.c.id, organisations.c.urn).where(
        organisations.c.id.in_({r["school_id"] for r in rows}))).all())
    by_lead_provider: dict[str, list[dict]] = defaultdict(list)
    interested: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        # v3 requires both: participants come through partnerships (delivery partner) at a known school (URN).
        if row["lead_provider_id"] and row["delivery_partner_id"] and (row["school_urn"] or school_urns.get(row["school_id"])):
            by_lead_provider[row["lead_provider_id"]].append(row)
        elif is_interest(row):
            interested[row["lead_provider_id"]].append(row)
    mentors = _current_mentors(session, [r["period_id"] for r in rows if r["participant_type"] == "ect"])
    end_date = session.execute(select(induction_ends.c.end_date).where(induction_ends.c.trn == teacher["trn"])).scalar()
    completion = mentor_completion(session, teacher_id) if any(r["participant_type"] == "mentor" for r in rows) else None

    def document_for(visible: list[dict]) -> dict:
        return ecf_participant_resource(dict(teacher), visible, school_urns=school_urns, mentors=mentors,
                                        induction_end_date=end_date, updated_at=None, mentor_completion=completion)

    _save_documents(session, participants, teacher_id, by_lead_provider, document_for)
    if interests:
        _save_documents(session, interest_participants, teacher_id, interested, document_for)


def _save_documents(session: Session, table, teacher_id: str, by_lead_provider: dict[str, list[dict]],
                    document_for) -> None:
    """One document per lead provider that sees the teacher in `table`; updated_at moves only when the content
    changed, and a lead provider that no longer sees them loses the row."""
    existing = {r["lead_provider_id"]: r for r in session.execute(
        select(table).where(table.c.id == teacher_id).with_for_update()).mappings()}
    for lead_provider_id, visible in by_lead_provider.items():
        document = document_for(visible)
        current = existing.pop(lead_provider_id, None)
        if current is not None and same_content(json.loads(current["document"]), document):
            continue
        updated_at = moved_forward(session, current["updated_at"] if current else None)
        document["attributes"]["updated_at"] = v3_datetime(updated_at)
        row = {"lead_provider_id": lead_provider_id, "id": teacher_id,
               "created_at": min(e["created_at"] for e in visible), "updated_at": updated_at,
               "cohorts": sorted({e["cohort"] for e in visible}),
               "training_statuses": sorted({e["training_status"] for e in visible}),
               "document": json.dumps(document, separators=(",", ":"))}
        statement = insert(table).values(**row)
        session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.lead_provider_id, table.c.id],
            set_={k: statement.excluded[k] for k in row if k not in ("lead_provider_id", "id")}))
    for gone in existing:
        session.execute(delete(table).where(table.c.id == teacher_id, table.c.lead_provider_id == gone))


def _current_mentors(session: Session, ect_period_ids: list[str]) -> dict[str, str]:
    if not ect_period_ids:
        return {}
    latest = (select(mentorships.c.ect_period_id, mentorships.c.mentor_teacher_id)
              .where(mentorships.c.ect_period_id.in_(ect_period_ids), mentorships.c.ended.is_(False))
              .ext(distinct_on(mentorships.c.ect_period_id))
              .order_by(mentorships.c.ect_period_id, mentorships.c.started_on.desc(), mentorships.c.id))
    return dict(session.execute(latest).all())


# --- helpers -------------------------------------------------------------------------------------
def _record_teacher(session: Session, teacher_id: str, occurred_at: datetime, **values) -> None:
    now = transaction_time(session)
    inserted = session.execute(insert(teachers).values(id=teacher_id, created_at=now, updated_at=now,
                                                       source_at=occurred_at, **values)
                               .on_conflict_do_nothing().returning(teachers.c.id)).first()
    if inserted:
        return
    current = session.execute(select(teachers).where(teachers.c.id == teacher_id).with_for_update()).mappings().one()
    if current["source_at"] > occurred_at:
        return
    changed = any(current[k] != v for k, v in values.items())
    session.execute(update(teachers).where(teachers.c.id == teacher_id).values(
        source_at=occurred_at, **(dict(values, updated_at=moved_forward(session, current["updated_at"]))
                                  if changed else {})))


def _enrolment_where(session: Session, where) -> dict | None:
    return session.execute(select(enrolments).where(where).order_by(enrolments.c.created_at.desc())
                           .limit(1).with_for_update()).mappings().first()


def _save_enrolment(session: Session, current: dict | None, values: dict, *, created_at: datetime) -> None:
    if current is None:
        session.execute(insert(enrolments).values(id=values["training_period_id"], created_at=created_at, **values)
                        .on_conflict_do_nothing())
    else:
        session.execute(update(enrolments).where(enrolments.c.id == current["id"]).values(**values))


def _training_values(training: dict, current: dict | None, *, reason: str | None, effective_at: datetime) -> dict:
    """The training's columns. A withdrawal or deferral keeps its first reason and date while it lasts, so
    the same status arriving again (e.g. registrations applying a lead provider's own request) changes nothing."""
    status = training.get("status") or "active"
    same_status = current is not None and current["training_status"] == status
    withdrawal = deferral = None
    if status == "withdrawn":
        withdrawal = (current["withdrawal"] if same_status and current["withdrawal"] else
                      {"reason": v3_reason(reason, WITHDRAWAL_REASONS), "date": v3_datetime(effective_at)})
    elif status == "deferred":
        deferral = (current["deferral"] if same_status and current["deferral"] else
                    {"reason": v3_reason(reason, DEFERRAL_REASONS), "date": v3_datetime(effective_at)})
    return {"training_period_id": training["training_period_id"], "lead_provider_id": lead_provider_of(training),
            "delivery_partner_id": training.get("delivery_partner_id"), "cohort": training["cohort"],
            "schedule": training.get("schedule") or (current["schedule"] if current else None),
            "training_status": status, "withdrawal": withdrawal, "deferral": deferral}
