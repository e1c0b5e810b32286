"""A lead provider withdraws, defers, resumes or changes the schedule of its participant.

Checked here against v3's rules, published as lp-api.participant.action_requested (registrations applies
it), and applied to lp-api's own read model in the same transaction, so the answer and later reads
agree. The applier is also how a rebuild replays these events from the event log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ecf_shared.events.envelope import jsonable
from ecf_shared.uow import UnitOfWork
from lp_api.adapters import enrolments, participants
from lp_api.api_audit import Caller, audit
from lp_api.domain.ecf_participant import COURSES, DEFERRAL_REASONS, SCHEDULES, WITHDRAWAL_REASONS
from lp_api.domain.timestamps import v3_datetime
from lp_api.event_log import log_event
from lp_api.participant_projection import refresh_participant
from lp_api.v3_bodies import attributes_of, invalid
from lp_api.v3_errors import not_found


@dataclass(frozen=True)
class Action:
    name: str  # as in the event
    body_type: str  # as in the v3 request body
    reasons: tuple[str, ...] = ()


ACTIONS = {
    "withdraw": Action("withdraw", "participant-withdraw", WITHDRAWAL_REASONS),
    "defer": Action("defer", "participant-defer", DEFERRAL_REASONS),
    "resume": Action("resume", "participant-resume"),
    "change-schedule": Action("change_schedule", "participant-change-schedule"),
}


def request_action(uow: UnitOfWork, caller: Caller, participant_id: str, path_action: str, body) -> str:
    action = ACTIONS[path_action]
    visible = uow.session.execute(select(participants.c.id).where(
        participants.c.id == participant_id, participants.c.lead_provider_id == caller.lead_provider_id)).first()
    if visible is None:
        raise not_found()
    attributes = attributes_of(body, action.body_type)
    participant_type = COURSES.get(attributes.get("course_identifier"))
    enrolment = participant_type and uow.session.execute(select(enrolments).where(
        enrolments.c.teacher_id == participant_id, enrolments.c.lead_provider_id == caller.lead_provider_id,
        enrolments.c.participant_type == participant_type).order_by(enrolments.c.created_at.desc())
        .limit(1).with_for_update()).mappings().first()
    if not enrolment:
        raise invalid("course_identifier", "The entered '#/course_identifier' is not recognised for the given "
                      "participant. Check details and try again.")
    reason = attributes.get("reason")
    if action.reasons and reason not in action.reasons:
        raise invalid("reason", "The property '#/reason' must be a valid reason")
    schedule = attributes.get("schedule_identifier")
    _check_transition(action, enrolment, schedule, attributes.get("cohort"))
    event = uow.publish("lp-api.participant.action_requested", {
        "participant_id": participant_id, "lead_provider_id": caller.lead_provider_id,
        "participant_type": participant_type, "course_identifier": attributes["course_identifier"],
        "action": action.name, "reason": reason, "schedule_identifier": schedule, "cohort": enrolment["cohort"],
        "effective_on": uow.session.execute(select(func.current_date())).scalar_one(),
    }, actor=caller.actor)
    log_event(uow.session, event)
    apply_participant_action(uow.session, jsonable(event.data), event.occurred_at)
    audit(uow.session, caller, f"participant_{action.name}", "participant", participant_id, jsonable(event.data))
    return uow.session.execute(select(participants.c.document).where(
        participants.c.id == participant_id, participants.c.lead_provider_id == caller.lead_provider_id)).scalar_one()


def _check_transition(action: Action, enrolment: dict, schedule: str | None, cohort) -> None:
    status = enrolment["training_status"]
    if action.name == "withdraw" and status == "withdrawn":
        raise invalid("participant_id", "The participant is already withdrawn")
    if action.name == "defer":
        if status == "deferred":
            raise invalid("participant_id", "The participant is already deferred")
        if status == "withdrawn":
            raise invalid("participant_id", "The participant cannot be deferred because they have been withdrawn")
    if action.name == "resume" and status == "active":
        raise invalid("participant_id", "The participant is already active")
    if action.name == "change_schedule":
        if schedule not in SCHEDULES:
            raise invalid("schedule_identifier", "The property '#/schedule_identifier' must be present and correspond "
                          "to a valid schedule")
        if status == "withdrawn":
            raise invalid("participant_id", "Cannot change the schedule of a withdrawn participant")
        if cohort not in (None, "") and str(cohort) != str(enrolment["cohort"]):
            raise invalid("cohort", "The property '#/cohort' cannot be changed")
        if schedule == enrolment["schedule"]:
            raise invalid("schedule_identifier", "Selected schedule is already on the profile")


def apply_participant_action(session: Session, data: dict, occurred_at: datetime) -> None:
    enrolment = session.execute(select(enrolments).where(
        enrolments.c.teacher_id == data["participant_id"], enrolments.c.lead_provider_id == data["lead_provider_id"],
        enrolments.c.participant_type == data["participant_type"]).order_by(enrolments.c.created_at.desc())
        .limit(1).with_for_update()).mappings().first()
    if enrolment is None:
        return
    stamp = {"reason": data.get("reason"), "date": v3_datetime(occurred_at)}
    values = {
        "withdraw": {"training_status": "withdrawn", "withdrawal": stamp, "deferral": None},
        "defer": {"training_status": "deferred", "deferral": stamp, "withdrawal": None},
        "resume": {"training_status": "active", "withdrawal": None, "deferral": None},
        "change_schedule": {"schedule": data.get("schedule_identifier")},
    }[data["action"]]
    session.execute(update(enrolments).where(enrolments.c.id == enrolment["id"]).values(
        source_at=func.greatest(enrolments.c.source_at, occurred_at), **values))
    refresh_participant(session, data["participant_id"])
