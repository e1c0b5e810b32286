"""Event handlers: each logs the event (the rebuild source) and applies it, in the consumer's transaction.

Appliers are plain functions of (session, JSON data, occurred_at), so a rebuild replays the event log
through exactly the code that built the read models.
"""
from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from ecf_shared.auth import revocation
from ecf_shared.events.envelope import Event, jsonable
from ecf_shared.uow import UnitOfWork
from lp_api import participant_projection as participants
from lp_api.adapters import partnerships
from lp_api.event_log import log_event
from lp_api.organisation_projection import record_organisation, record_school_contacts
from lp_api.participant_actions import apply_participant_action
from lp_api.partnerships import refresh_partnerships


def organisation_changed(session: Session, organisation: dict, occurred_at: datetime) -> None:
    """accounts.organisation.created / updated / closed: the payload is the whole organisation."""
    if not record_organisation(session, organisation, occurred_at):
        return
    organisation_id = organisation["organisation_id"]
    if organisation["type"] == "school":
        participants.refresh_school(session, organisation_id)
        refresh_partnerships(session, partnerships.c.school_id == organisation_id)
    elif organisation["type"] == "delivery_partner":
        refresh_partnerships(session, partnerships.c.delivery_partner_id == organisation_id)


def school_contacts_changed(session: Session, contacts: dict, occurred_at: datetime) -> None:
    record_school_contacts(session, contacts, occurred_at)
    refresh_partnerships(session, partnerships.c.school_id == contacts["organisation_id"])


CONSUMED = {
    "accounts.organisation.created": organisation_changed,
    "accounts.organisation.updated": organisation_changed,
    "accounts.organisation.closed": organisation_changed,
    "accounts.school_contacts.changed": school_contacts_changed,
    "registrations.ect.registered": participants.record_ect_registration,
    "registrations.mentor.registered": participants.record_mentor_registration,
    "registrations.mentorship.started": partial(participants.record_mentorship, ended=False),
    "registrations.mentorship.ended": partial(participants.record_mentorship, ended=True),
    "registrations.teacher.left_school": participants.record_left_school,
    "registrations.teacher.moved_school": participants.record_moved_school,
    "registrations.training.changed": participants.record_training_change,
    "registrations.teacher.details_changed": participants.record_details_change,
    "inductions.induction.status_changed": participants.record_induction_status,
    "inductions.period.closed": participants.record_induction_period_closed,
}
# What a rebuild replays: the consumed events and lp-api's own writes to its read models.
REPLAYED = {**CONSUMED, "lp-api.participant.action_requested": apply_participant_action}


def _logged(apply):
    def handle(uow: UnitOfWork, event: Event) -> None:
        log_event(uow.session, event)
        apply(uow.session, jsonable(event.data), event.occurred_at)

    return handle


def handlers(settings, db) -> dict:
    return {**{event_type: _logged(apply) for event_type, apply in CONSUMED.items()}, **revocation.handlers()}
