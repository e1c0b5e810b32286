"""Registering ECTs (one, a move from another school, or many from a CSV): plain functions of a unit of work.

Every registration is checked in full first (`check_ect`, which asks TRS through trs-sync) and only then written
(`write_ect`), so a bulk file can be checked row by row before anything is written."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, UTC

from sqlalchemy import func

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import writable
from ecf_shared.errors import AppError
from ecf_shared.events.envelope import jsonable
from ecf_shared.uow import UnitOfWork
from ecf_shared.emails.settings import EmailSettings
from registrations import audit, integrity, payloads, views
from registrations.bulk_csv import check_every_row
from registrations.confirmations import confirm_bulk_registration, confirm_registration
from registrations.domain import rules
from registrations.domain.model import EctPeriod, SchoolCopy, Teacher, TrainingPeriod
from registrations.partnerships import linked, train_through_partnership
from registrations.periods import (check_dependants_can_end, dependants_running_past, finish_dependants, insert,
                                   open_school, organisation)

DEFAULT_SCHEDULE = "ecf-standard-september"


@dataclass
class CheckedEct:
    cmd: dict
    record: dict  # trs-sync's record of the teacher
    warnings: list[str] = field(default_factory=list)

    @property
    def trn(self) -> str:
        return self.record["trn"]  # a merged TRN has been followed to the current one


def school_for(uow, principal: Principal, school_id) -> SchoolCopy:
    target = writable(principal, organisation_id=school_id, permission="register_teachers",
                      organisation_types=("school",), field="school_id")
    return open_school(uow, target)


@dataclass
class CheckedTeacher:
    """What registration learns about the teacher before it knows the start date."""

    record: dict  # trs-sync's record of the teacher (a merged TRN followed to the current one)
    warnings: list[str]
    teacher: Teacher | None  # when registrations knows them already
    moving_from: EctPeriod | None  # their open registration at another school, when the school confirms the move


def check_ect_teacher(uow, principal: Principal, school: SchoolCopy, trn: str, date_of_birth: date, moving: bool,
                      lookup) -> CheckedTeacher:
    """The checks about the teacher: TRS knows them by TRN and date of birth, their induction is not passed, failed or
    exempt, they are not prohibited, and they are not registered here, nor elsewhere unless they are moving here."""
    record = lookup.find(trn, date_of_birth, token=principal.token)
    warnings = rules.check_teacher_may_start_induction(record)
    teacher, moving_from = _open_registration(uow, record["trn"], school.id, moving, lock=False)
    return CheckedTeacher(record, warnings, teacher, moving_from)


def check_ect(uow, principal: Principal, school: SchoolCopy, cmd: dict, lookup) -> CheckedEct:
    ab = organisation(uow, cmd.get("appropriate_body_id"), "appropriate_body", "appropriate_body_id")
    if ab is not None:
        rules.check_appropriate_body(school.state_funded, ab.establishment_type)
    organisation(uow, cmd.get("lead_provider_id"), "lead_provider", "lead_provider_id")
    rules.check_programme(cmd["training_programme"], cmd.get("lead_provider_id"))
    rules.check_start_date(cmd["started_on"], date.today())
    rules.check_cohort(cmd["cohort"], cmd["started_on"])
    teacher = check_ect_teacher(uow, principal, school, cmd["trn"], cmd["date_of_birth"],
                                cmd.get("moving_from_another_school", False), lookup)
    _check_after_earlier_registrations(uow, teacher.teacher, cmd["started_on"])
    if teacher.moving_from is not None:
        _check_may_leave_for(uow, teacher.moving_from, cmd["started_on"])
    return CheckedEct(cmd, teacher.record, teacher.warnings)


def _check_may_leave_for(uow, moving_from: EctPeriod, started_on: date) -> None:
    """The registration elsewhere ends the day before this one starts, and what depends on it can end then too."""
    left_on = started_on - timedelta(days=1)
    rules.check_finish(moving_from.started_on, left_on, field="started_on")
    check_dependants_can_end(dependants_running_past(uow, left_on, ect_period=moving_from), left_on, field="started_on")


def _open_registration(uow, trn: str, school_id: str, moving: bool, *,
                       lock: bool) -> tuple[Teacher | None, EctPeriod | None]:
    """The teacher and their open ECT period elsewhere that this registration moves them from, if any; refused when
    they are registered here, or elsewhere without the move confirmed."""
    q = uow.session.query(Teacher).filter_by(trn=trn)
    teacher = (q.with_for_update() if lock else q).first()
    if teacher is None:
        return None, None
    open_period = uow.session.query(EctPeriod).filter_by(teacher_id=teacher.id, finished_on=None).first()
    if open_period is not None:
        if open_period.school_id == school_id:
            raise rules.already_registered(True)
        if not moving:
            raise rules.already_registered(False, jsonable(registered_elsewhere(uow, open_period)))
    return teacher, open_period


def registered_elsewhere(uow, period: EctPeriod) -> dict:
    school = uow.session.get(SchoolCopy, period.school_id)
    return {"school_name": school.name if school else None, "started_on": period.started_on}


def _check_after_earlier_registrations(uow, teacher: Teacher | None, started_on: date) -> None:
    """A new ECT registration never overlaps the teacher's earlier ones, at any school."""
    if teacher is None:
        return
    last_finished_on = (uow.session.query(func.max(EctPeriod.finished_on))
                        .filter(EctPeriod.teacher_id == teacher.id).scalar())
    rules.check_after_earlier_registrations(started_on, last_finished_on)


def _check_not_registered(uow, trn: str, school_id: str, moving: bool, started_on: date, *,
                          lock: bool) -> tuple[Teacher | None, EctPeriod | None]:
    teacher, open_period = _open_registration(uow, trn, school_id, moving, lock=lock)
    _check_after_earlier_registrations(uow, teacher, started_on)
    return teacher, open_period


def register_ect(uow: UnitOfWork, principal: Principal, cmd: dict, lookup, settings: EmailSettings) -> dict:
    school = school_for(uow, principal, cmd.get("school_id"))
    checked = check_ect(uow, principal, school, cmd, lookup)
    view = write_ect(uow, principal, school, checked)
    confirm_registration(uow, settings, principal, school, "ect", view)
    integrity.commit(uow)
    return view


def bulk_register(uow: UnitOfWork, principal: Principal, school_id, rows: list[tuple[int, dict | AppError]], lookup,
                  settings: EmailSettings) -> list[dict]:
    """`rows` pairs each CSV line number with its parsed command or the error parsing it. All or nothing. A row may
    confirm the teacher is moving here from another school (`moving_from_another_school`), as a single one can."""
    school = school_for(uow, principal, school_id)
    checked = check_every_row(rows, lambda cmd: check_ect(uow, principal, school, cmd, lookup),
                              key=lambda cmd: cmd["trn"], key_field="trn", nothing_done="nothing was registered",
                              checked_key=lambda checked: checked.trn)
    views_ = [write_ect(uow, principal, school, c) for c in checked]
    confirm_bulk_registration(uow, settings, principal, school, "ect", views_)
    integrity.commit(uow)
    return views_


def write_ect(uow: UnitOfWork, principal: Principal, school: SchoolCopy, checked: CheckedEct) -> dict:
    cmd, record = checked.cmd, checked.record
    teacher, moving_from = _check_not_registered(uow, checked.trn, school.id, cmd.get("moving_from_another_school", False),
                                                 cmd["started_on"], lock=True)
    if teacher is None:
        teacher = Teacher(trn=checked.trn, first_name=record["first_name"], last_name=record["last_name"])
        # Another request registering the same teacher at the same moment makes the database refuse one of them.
        insert(uow, rules.already_registered(True), teacher)
    actor = principal.event_actor(school.id)
    if moving_from is not None:
        left_on = cmd["started_on"] - timedelta(days=1)
        rules.check_finish(moving_from.started_on, left_on, field="started_on")
        moving_from.finished_on = left_on
        finish_dependants(uow, ect_period=moving_from, finished_on=left_on, actor=actor, field="started_on")
        uow.session.flush()

    ect = EctPeriod(teacher_id=teacher.id, school_id=school.id, started_on=cmd["started_on"], email=cmd["email"],
                    working_pattern=cmd["working_pattern"], appropriate_body_id=_str(cmd.get("appropriate_body_id")),
                    registered_by_user_id=principal.user_id, registered_by_email=principal.email,
                    registered_by_name=principal.name, registered_for_organisation_id=school.id)
    provider_led = cmd["training_programme"] == "provider_led"
    training = TrainingPeriod(ect_period_id=ect.id, programme=cmd["training_programme"], cohort=cmd["cohort"],
                              started_on=cmd["started_on"], lead_provider_id=_str(cmd.get("lead_provider_id")),
                              expression_of_interest=provider_led, schedule=DEFAULT_SCHEDULE if provider_led else None)
    partnership = train_through_partnership(uow, training, school.id)
    insert(uow, rules.already_registered(True), ect, training)

    by = payloads.registered_by(principal, school.id)
    details = {"trn": teacher.trn, "started_on": ect.started_on, "email": ect.email, "cohort": training.cohort,
               "training_programme": training.programme, "lead_provider_id": training.lead_provider_id,
               **(linked(training) if partnership else {})}
    if moving_from is None:
        audit.record_by(uow, principal, school.id, action="ect_registered", subject_id=ect.id, teacher_id=teacher.id,
                        details=details)
        uow.publish("registrations.ect.registered", {
            "ect_period_id": ect.id, "teacher_id": teacher.id, "trn": teacher.trn,
            "first_name": teacher.first_name, "last_name": teacher.last_name,
            "school_id": school.id, "school_urn": school.urn, "started_on": ect.started_on, "email": ect.email,
            "working_pattern": ect.working_pattern, "appropriate_body_id": ect.appropriate_body_id,
            "qts_awarded_on": record.get("qts_awarded_on"), "training": payloads.training(training),
            "registered_by": by, "registered_at": datetime.now(UTC),
        }, actor=actor)
    else:
        audit.record_by(uow, principal, school.id, action="ect_moved_in", subject_id=ect.id, teacher_id=teacher.id,
                        details={**details, "from_period_id": moving_from.id, "from_school_id": moving_from.school_id})
        uow.publish("registrations.teacher.moved_school", {
            "teacher_id": teacher.id, "trn": teacher.trn, "from_period_id": moving_from.id,
            "from_school_id": moving_from.school_id, "to_period_id": ect.id, "to_school_id": school.id,
            "to_school_urn": school.urn, "moved_on": ect.started_on, "email": ect.email,
            "working_pattern": ect.working_pattern, "appropriate_body_id": ect.appropriate_body_id,
            "training": payloads.training(training), "registered_by": by,
        }, actor=actor)
    return {**views.ect_view(ect, teacher, training, None), "warnings": checked.warnings}


def _str(value) -> str | None:
    return str(value) if value is not None else None
