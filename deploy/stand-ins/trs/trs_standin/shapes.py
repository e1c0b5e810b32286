"""JSON shapes: persons as the TRS API returns them, and as the /_test hooks show them."""

from __future__ import annotations

import uuid

from .dates import fmt_date, fmt_timestamp
from .state import Person

# The TRS alert category that means "prohibited from teaching" (clients match on this id).
PROHIBITION_CATEGORY_ID = "b2b19019-b165-47a3-8745-3297ff152581"
PROHIBITION_CATEGORY_NAME = "Prohibition from teaching"
PROHIBITION_TYPE_ID = "ed0cd700-3fb2-4db0-9403-ba57126090ed"
PROHIBITION_TYPE_NAME = "Prohibition by the Secretary of State - misconduct"
PROHIBITION_START_DATE = "2020-09-01"

_ALERT_NS = uuid.UUID("6f1c2b52-9a3e-4c57-9d0a-2f6de3b1c0aa")


def prohibition_alert(trn: str) -> dict:
    return {
        "alertId": str(uuid.uuid5(_ALERT_NS, f"prohibition:{trn}")),
        "alertType": {
            "alertTypeId": PROHIBITION_TYPE_ID,
            "alertCategory": {"alertCategoryId": PROHIBITION_CATEGORY_ID,
                              "name": PROHIBITION_CATEGORY_NAME},
            "name": PROHIBITION_TYPE_NAME,
        },
        "details": None,
        "startDate": PROHIBITION_START_DATE,
        "endDate": None,
    }


def is_prohibition(alert: dict) -> bool:
    category = (alert.get("alertType") or {}).get("alertCategory") or {}
    return category.get("alertCategoryId") == PROHIBITION_CATEGORY_ID and alert.get("endDate") is None


def induction_json(person: Person) -> dict:
    return {
        "status": person.induction_status,
        "startDate": fmt_date(person.induction_start_date),
        "completedDate": fmt_date(person.induction_completed_date),
    }


def api_person(person: Person, include_induction: bool) -> dict:
    """GET /v3/persons/{trn} body."""
    body = {
        "trn": person.trn,
        "firstName": person.first_name,
        "middleName": person.middle_name,
        "lastName": person.last_name,
        "dateOfBirth": fmt_date(person.date_of_birth),
        "qts": {"holdsFrom": fmt_date(person.qts_date)} if person.qts_date else None,
    }
    if include_induction:
        body["induction"] = induction_json(person)
    body["alerts"] = [dict(a) for a in person.alerts]
    return body


def api_find_result(person: Person) -> dict:
    """One result of POST /v3/persons/find: the person with induction, plus the flat
    ``inductionStatus`` real TRS also puts on find results."""
    body = api_person(person, include_induction=True)
    body["inductionStatus"] = person.induction_status
    return body


def test_person(person: Person) -> dict:
    """GET /_test/persons/{trn} body: everything stored."""
    cpd = None
    if person.cpd_status is not None:
        cpd = {"status": person.cpd_status, "startDate": fmt_date(person.cpd_start_date),
               "completedDate": fmt_date(person.cpd_completed_date)}
    return {
        "trn": person.trn,
        "firstName": person.first_name,
        "middleName": person.middle_name,
        "lastName": person.last_name,
        "dateOfBirth": fmt_date(person.date_of_birth),
        "qtsDate": fmt_date(person.qts_date),
        "induction": induction_json(person),
        "prohibited": any(is_prohibition(a) for a in person.alerts),
        "alerts": [dict(a) for a in person.alerts],
        "deactivated": person.deactivated,
        "mergedInto": person.merged_into,
        "cpdInduction": cpd,
        "cpdModifiedOn": fmt_timestamp(person.cpd_modified_on),
        "managedByCpd": person.managed_by_cpd(),
        "updatedOn": fmt_timestamp(person.updated_on),
    }
