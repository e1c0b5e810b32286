"""Event handlers: plain functions of (unit of work, event)."""
from __future__ import annotations

from ecf_shared.auth import revocation
from ecf_shared.errors import Invalid
from ecf_shared.ordering import upsert_if_newer
from ecf_shared.events.envelope import Actor, Event
from ecf_shared.uow import UnitOfWork
from registrations import audit, partnerships
from registrations.adapters import organisations, start_mappers
from registrations.changes import publish_training_changed
from registrations.domain import rules
from registrations.domain.model import EctPeriod, MentorPeriod, SchoolCopy, Teacher, TrainingPeriod


def copy_organisation(uow: UnitOfWork, event: Event) -> None:
    """The payload is the whole organisation; a late older event changes nothing (ecf_shared.ordering)."""
    data = event.data
    upsert_if_newer(uow.session, organisations, {"id": str(data["organisation_id"])},
                    {"type": data["type"], "name": data["name"], "urn": data["urn"], "status": data["status"],
                     "state_funded": data.get("state_funded"), "eligible": data.get("eligible"),
                     # for appropriate bodies: their kind (rules.AB_KINDS)
                     "establishment_type": data.get("establishment_type")},
                    event.occurred_at)


def _lead_provider(uow, lead_provider_id: str) -> Actor:
    org = uow.session.get(SchoolCopy, lead_provider_id)
    return Actor(type="lead_provider", organisation_id=lead_provider_id, name=org.name if org else None)


def _periods_of(training: TrainingPeriod):
    """(participant type, the ECT or mentor period) a training period belongs to."""
    if training.ect_period_id:
        return "ect", EctPeriod, training.ect_period_id
    return "mentor", MentorPeriod, training.mentor_period_id


def link_partnership(uow: UnitOfWork, event: Event) -> None:
    """Keep the partnership in the read copy (registrations and training changes made later train through it at once),
    then move the provider-led training at the school with this lead provider and cohort onto it as the copy now
    stands. Idempotent: training already on it is left alone, and an event older than the copy's last change only
    re-applies the copy."""
    partnership = partnerships.record(uow, event.data, event.occurred_at)
    school_id = partnership.school_id
    actor = _lead_provider(uow, partnership.lead_provider_id)
    for participant_type, cls, fk in (("ect", EctPeriod, TrainingPeriod.ect_period_id),
                                      ("mentor", MentorPeriod, TrainingPeriod.mentor_period_id)):
        rows = (uow.session.query(TrainingPeriod, cls).join(cls, cls.id == fk)
                .filter(cls.school_id == school_id, TrainingPeriod.finished_on.is_(None),
                        TrainingPeriod.programme == "provider_led",
                        TrainingPeriod.lead_provider_id == partnership.lead_provider_id,
                        TrainingPeriod.cohort == partnership.cohort)
                .order_by(TrainingPeriod.id).with_for_update(of=TrainingPeriod).all())
        for training, period in rows:
            if not training.train_through(partnership):
                continue
            teacher = uow.session.get(Teacher, period.teacher_id)
            audit.record(uow, actor=actor, action="training_partnership_linked", subject_id=period.id,
                         teacher_id=teacher.id, school_id=school_id,
                         details={"training_period_id": training.id, **partnerships.linked(training)})
            publish_training_changed(uow, teacher, participant_type, period.id, school_id, training,
                                     "partnership_linked", event.occurred_at.date(), actor)


def apply_participant_action(uow: UnitOfWork, event: Event) -> None:
    """A lead provider's withdraw/defer/resume/schedule change, applied to the teacher's current training with
    that lead provider. lp-api validates these too, so a request a rule refuses is kept in the audit trail as
    refused rather than raised: retrying it could never succeed."""
    data = event.data
    teacher_id, lead_provider_id = str(data["participant_id"]), str(data["lead_provider_id"])
    actor = _lead_provider(uow, lead_provider_id)
    fk, cls = ((TrainingPeriod.ect_period_id, EctPeriod) if data["participant_type"] == "ect"
               else (TrainingPeriod.mentor_period_id, MentorPeriod))
    row = (uow.session.query(TrainingPeriod, cls).join(cls, cls.id == fk)
           .filter(cls.teacher_id == teacher_id, TrainingPeriod.finished_on.is_(None),
                   TrainingPeriod.lead_provider_id == lead_provider_id)
           .order_by(TrainingPeriod.started_on.desc()).with_for_update(of=TrainingPeriod).first())
    request = {k: data[k] for k in ("action", "reason", "schedule_identifier", "effective_on", "participant_type")}
    if row is None:
        audit.record(uow, actor=actor, action=f"lead_provider_{data['action']}", subject_id=teacher_id,
                     teacher_id=teacher_id, school_id=None, outcome="refused",
                     details={**request, "refusal": "No current training with this lead provider."})
        return
    training, period = row
    try:
        change = rules.check_lead_provider_action(training.status, data["action"], data.get("reason"),
                                                  data.get("schedule_identifier"))
    except Invalid as refused:
        audit.record(uow, actor=actor, action=f"lead_provider_{data['action']}", subject_id=period.id,
                     teacher_id=teacher_id, school_id=period.school_id, outcome="refused",
                     details={**request, "training_period_id": training.id, "refusal": refused.message})
        return
    if change == "schedule_changed":
        training.schedule = data["schedule_identifier"]
    else:
        training.status = {"withdrawn": "withdrawn", "deferred": "deferred", "resumed": "active"}[change]
        training.status_reason = data.get("reason")
    audit.record(uow, actor=actor, action=f"training_{change}", subject_id=period.id, teacher_id=teacher_id,
                 school_id=period.school_id, details={**request, "training_period_id": training.id})
    teacher = uow.session.get(Teacher, teacher_id)
    publish_training_changed(uow, teacher, data["participant_type"], period.id, period.school_id, training, change,
                             data["effective_on"], actor, reason=data.get("reason"), requested_at=event.occurred_at)


def handlers(settings, db) -> dict:
    start_mappers()
    return {
        "accounts.organisation.created": copy_organisation,
        "accounts.organisation.updated": copy_organisation,
        "accounts.organisation.closed": copy_organisation,
        "lp-api.partnership.created": link_partnership,
        "lp-api.partnership.updated": link_partnership,
        "lp-api.participant.action_requested": apply_participant_action,
        **revocation.handlers(),
    }
