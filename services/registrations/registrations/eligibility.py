"""The registration wizard's eligibility checks: the checks registering runs about the teacher (the same functions),
answered before the school gives the rest of its answers. Nothing is written.

Whether the registration overlaps the teacher's earlier ones is decided when registering, with the start date."""
from __future__ import annotations

from datetime import date

from ecf_shared.auth.actor import Principal
from ecf_shared.uow import UnitOfWork
from registrations.commands import check_ect_teacher, registered_elsewhere, school_for
from registrations.mentors import check_mentor_teacher


def check_ect(uow: UnitOfWork, principal: Principal, cmd: dict, lookup) -> dict:
    school = school_for(uow, principal, cmd.get("school_id"))
    checked = check_ect_teacher(uow, principal, school, cmd["trn"], cmd["date_of_birth"],
                                cmd.get("moving_from_another_school", False), lookup)
    moving_from = checked.moving_from
    return _eligible(checked.record, checked.warnings, registered_elsewhere(uow, moving_from) if moving_from else None)


def check_mentor(uow: UnitOfWork, principal: Principal, cmd: dict, lookup) -> dict:
    school = school_for(uow, principal, cmd.get("school_id"))
    return _eligible(check_mentor_teacher(uow, principal, school, cmd["trn"], cmd["date_of_birth"], lookup), [], None)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _eligible(record: dict, warnings: list[str], elsewhere: dict | None) -> dict:
    return {"trn": record["trn"], "first_name": record["first_name"], "last_name": record["last_name"],
            "date_of_birth": _date(record.get("date_of_birth")), "qts_awarded_on": _date(record.get("qts_awarded_on")),
            "induction_status": (record.get("induction") or {}).get("status"), "warnings": warnings,
            "registered_elsewhere": elsewhere}
