"""Event payload parts shared by several events."""
from __future__ import annotations

from ecf_shared.auth.actor import Principal
from registrations.domain.model import Mentorship, TrainingPeriod


def training(tp: TrainingPeriod) -> dict:
    return {"training_period_id": tp.id, "programme": tp.programme, "lead_provider_id": tp.lead_provider_id,
            "delivery_partner_id": tp.delivery_partner_id, "partnership_id": tp.partnership_id,
            "expression_of_interest": tp.expression_of_interest, "cohort": tp.cohort, "schedule": tp.schedule,
            "status": tp.status, "started_on": tp.started_on, "finished_on": tp.finished_on}


def registered_by(principal: Principal, school_id: str) -> dict:
    return {"user_id": principal.user_id, "email": principal.email, "name": principal.name, "organisation_id": school_id}


def mentorship(m: Mentorship, school_id: str, ect_teacher_id: str, mentor_teacher_id: str) -> dict:
    return {"mentorship_id": m.id, "school_id": school_id, "ect_period_id": m.ect_period_id,
            "ect_teacher_id": ect_teacher_id, "mentor_period_id": m.mentor_period_id,
            "mentor_teacher_id": mentor_teacher_id, "started_on": m.started_on, "finished_on": m.finished_on}
