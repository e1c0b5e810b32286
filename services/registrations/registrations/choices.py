"""What the registration wizard offers a school: the appropriate bodies it may name (rules.may_name_appropriate_body),
the open lead providers, and the choices made for its most recently registered ECT."""
from __future__ import annotations

from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import readable
from ecf_shared.errors import NotFound
from ecf_shared.uow import UnitOfWork
from registrations.domain import rules
from registrations.domain.model import EctPeriod, SchoolCopy, TrainingPeriod


def _open(uow, organisation_type: str) -> list[SchoolCopy]:
    return (uow.session.query(SchoolCopy).filter(SchoolCopy.type == organisation_type, SchoolCopy.status != "closed")
            .order_by(SchoolCopy.name, SchoolCopy.id).all())


def _last_ect_choices(uow, school_id: str) -> dict | None:
    last = (uow.session.query(EctPeriod).filter(EctPeriod.school_id == school_id)
            .order_by(EctPeriod.created_at.desc(), EctPeriod.id.desc()).first())
    if last is None:
        return None
    training = (uow.session.query(TrainingPeriod).filter(TrainingPeriod.ect_period_id == last.id)
                .order_by(TrainingPeriod.started_on.desc()).first())
    return {"appropriate_body_id": last.appropriate_body_id,
            "training_programme": training.programme if training else None,
            "lead_provider_id": training.lead_provider_id if training else None}


def for_school(uow: UnitOfWork, principal: Principal, school_id) -> dict:
    readable(principal, organisation_id=school_id, organisation_types=("school",))
    school = uow.session.get(SchoolCopy, str(school_id))
    if school is None or school.type != "school":
        raise NotFound("No such school.")
    bodies = [ab for ab in _open(uow, "appropriate_body")
              if rules.may_name_appropriate_body(school.state_funded, ab.establishment_type)]
    return {"appropriate_bodies": [{"id": ab.id, "name": ab.name, "kind": rules.appropriate_body_kind(ab.establishment_type)}
                                   for ab in bodies],
            "lead_providers": [{"id": lp.id, "name": lp.name} for lp in _open(uow, "lead_provider")],
            "last_ect_choices": _last_ect_choices(uow, school.id)}
