"""An ECT or mentor leaves a school: one at a time, or many from a school's leavers CSV (all or nothing).

Leaving finishes the periods that depend on the one ending (training, mentorships) on the same day; every row of a
file is checked before any is written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import writable
from ecf_shared.errors import AppError, Conflict, Invalid
from ecf_shared.uow import UnitOfWork
from registrations import audit, integrity
from registrations.bulk_csv import check_every_row
from registrations.domain import rules
from registrations.domain.model import EctPeriod, MentorPeriod, Teacher
from registrations.periods import (PERIOD_CLASSES, check_dependants_can_end, dependants_running_past, finish_dependants,
                                   for_change)

@dataclass
class Leaver:
    participant_type: str
    period: EctPeriod | MentorPeriod
    finished_on: date
    reason: str | None


def leave(uow: UnitOfWork, principal: Principal, participant_type: str, period_id, cmd: dict) -> dict:
    cls, label = PERIOD_CLASSES[participant_type]
    leaver = Leaver(participant_type, for_change(uow, principal, cls, period_id, label), cmd["finished_on"],
                    cmd.get("reason"))
    check_leaver(uow, leaver)
    left = write_leaver(uow, principal, leaver)
    integrity.commit(uow)
    return left


def bulk_leave(uow: UnitOfWork, principal: Principal, school_id, rows: list[tuple[int, dict | AppError]]) -> list[dict]:
    """`rows` pairs each CSV line number with its parsed row (trn, participant_type, finished_on, reason) or the
    error parsing it. Every row is checked first; any error writes nothing."""
    school_id = writable(principal, organisation_id=school_id, permission="register_teachers",
                         organisation_types=("school",), field="school_id")
    leavers = check_every_row(rows, lambda row: _checked_row(uow, school_id, row),
                              key=lambda row: (row["participant_type"], row["trn"]), key_field="trn",
                              nothing_done="nobody was recorded as leaving")
    left = [{**write_leaver(uow, principal, leaver), "participant_type": leaver.participant_type,
             "trn": row["trn"]} for leaver, row in leavers]
    integrity.commit(uow)
    return left


def _checked_row(uow, school_id: str, row: dict) -> tuple[Leaver, dict]:
    cls, label = PERIOD_CLASSES[row["participant_type"]]
    period = (uow.session.query(cls).join(Teacher, Teacher.id == cls.teacher_id)
              .filter(Teacher.trn == row["trn"], cls.school_id == school_id, cls.finished_on.is_(None))
              .with_for_update(of=cls).first())
    if period is None:
        raise Invalid(f"Nobody with this TRN has a current {label} at your school.", code="not_registered_here",
                      fields={"trn": [f"No current {label} at your school."]})
    leaver = Leaver(row["participant_type"], period, row["finished_on"], row.get("reason"))
    check_leaver(uow, leaver)
    return leaver, row


def check_leaver(uow, leaver: Leaver) -> None:
    period, label = leaver.period, PERIOD_CLASSES[leaver.participant_type][1]
    if period.finished_on is not None:
        raise Conflict(f"This {label} has already ended.", code="already_left")
    rules.check_finish(period.started_on, leaver.finished_on)
    check_dependants_can_end(dependants_running_past(uow, leaver.finished_on,
                                                     **{f"{leaver.participant_type}_period": period}),
                             leaver.finished_on)


def write_leaver(uow: UnitOfWork, principal: Principal, leaver: Leaver) -> dict:
    period, participant_type, finished_on = leaver.period, leaver.participant_type, leaver.finished_on
    period.finished_on = finished_on
    teacher = uow.session.get(Teacher, period.teacher_id)
    actor = audit.record_by(uow, principal, period.school_id, action=f"{participant_type}_left", subject_id=period.id,
                            teacher_id=teacher.id, details={"finished_on": finished_on, "reason": leaver.reason})
    finish_dependants(uow, finished_on=finished_on, actor=actor, **{f"{participant_type}_period": period})
    uow.publish("registrations.teacher.left_school", {
        "teacher_id": teacher.id, "trn": teacher.trn, "participant_type": participant_type, "period_id": period.id,
        "school_id": period.school_id, "finished_on": finished_on, "reason": leaver.reason}, actor=actor)
    return {"id": period.id, "finished_on": finished_on}
