"""PUT /v3/persons/{trn}/cpd-induction: parsing and the TRS checks, in TRS's order.

Body-level checks 1-3 run before anything is looked up; 4-6 need the stored person.
A malformed body (bad JSON, missing/invalid modifiedOn, badly formatted dates) is rejected
before check 1, like ASP.NET model binding does, with a 400 that has no errorCode.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from . import problems as p
from .dates import parse_optional_date, parse_timestamp
from .state import CPD_SETTABLE_STATUSES, Person


class BodyInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class CpdInductionRequest:
    status: object  # as sent; validated by check 1
    start_date: date | None
    completed_date: date | None
    modified_on: datetime


def parse_body(raw: bytes) -> CpdInductionRequest:
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyInvalid({"$": [f"The request body is not valid JSON: {exc}"]}) from exc
    if not isinstance(body, dict):
        raise BodyInvalid({"$": ["The request body must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    values = {}
    for name in ("startDate", "completedDate"):
        try:
            values[name] = parse_optional_date(body.get(name))
        except ValueError as exc:
            errors[name] = [str(exc)]
    if body.get("modifiedOn") is None:
        errors["modifiedOn"] = ["The modifiedOn field is required."]
    else:
        try:
            values["modifiedOn"] = parse_timestamp(body["modifiedOn"])
        except ValueError as exc:
            errors["modifiedOn"] = [str(exc)]
    if errors:
        raise BodyInvalid(errors)
    return CpdInductionRequest(
        status=body.get("status"),
        start_date=values["startDate"],
        completed_date=values["completedDate"],
        modified_on=values["modifiedOn"],
    )


def check_body(req: CpdInductionRequest) -> None:
    """Checks 1-3. Raises ApiError."""
    status = req.status
    # 1. status
    if status not in CPD_SETTABLE_STATUSES:
        raise p.ApiError(p.INVALID_INDUCTION_STATUS,
                         f"Status must be one of {', '.join(CPD_SETTABLE_STATUSES)}; got {status!r}.")
    # 2. startDate
    if status in ("InProgress", "Passed", "Failed") and req.start_date is None:
        raise p.ApiError(p.START_DATE_REQUIRED, f"A start date is required for status {status}.")
    if status == "RequiredToComplete" and req.start_date is not None:
        raise p.ApiError(p.START_DATE_NOT_PERMITTED, f"A start date is not permitted for status {status}.")
    # 3. completedDate
    if status in ("Passed", "Failed") and req.completed_date is None:
        raise p.ApiError(p.COMPLETED_DATE_REQUIRED, f"A completed date is required for status {status}.")
    if status in ("RequiredToComplete", "InProgress") and req.completed_date is not None:
        raise p.ApiError(p.COMPLETED_DATE_NOT_PERMITTED,
                         f"A completed date is not permitted for status {status}.")


def check_person(trn: str, person: Person | None, req: CpdInductionRequest) -> Person:
    """Checks 4-6 against the stored person (caller holds the store lock). Raises ApiError."""
    # 4. unknown or inactive TRN
    if person is None or not person.active:
        raise p.ApiError(p.PERSON_NOT_FOUND, f"TRN: '{trn}'")
    # 5. QTS
    if person.qts_date is None:
        raise p.ApiError(p.PERSON_DOES_NOT_HAVE_QTS, f"TRN: '{trn}'")
    # 6. staleness: strictly earlier than the last CPD modifiedOn is stale; equal is fine
    if person.cpd_modified_on is not None and req.modified_on < person.cpd_modified_on:
        raise p.ApiError(
            p.STALE_REQUEST,
            f"modifiedOn {req.modified_on.isoformat()} is earlier than the last update "
            f"{person.cpd_modified_on.isoformat()}.",
        )
    return person
