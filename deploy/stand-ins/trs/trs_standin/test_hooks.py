"""/_test/... hooks: seeding, reset, fault injection, console edits, inspection.

No TRS auth. Only registered when TRS_TEST_HOOKS is on (the default for the stand-in).
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, current_app, request

from . import problems as p
from .dates import parse_optional_date, parse_date, parse_timestamp
from .faults import FaultSpecError, parse_fault
from .shapes import prohibition_alert, test_person
from .state import INDUCTION_STATUSES, Person

bp = Blueprint("test_hooks", __name__, url_prefix="/_test")

TRN_RE = re.compile(r"^\d{7}$")
CONSOLE_ALWAYS_OFFERED = ("Exempt", "FailedInWales")


class SeedError(ValueError):
    pass


def _ctx():
    return current_app.extensions["trs_standin"]


def _ok(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _json_body():
    raw = request.get_data()
    try:
        return json.loads(raw) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"body is not valid JSON: {exc}") from exc


def _bad(detail: str) -> Response:
    return p.problem(400, "Invalid test hook request", detail)


def _field(spec: dict, name: str, parse, where: str):
    try:
        return parse(spec.get(name))
    except ValueError as exc:
        raise SeedError(f"{where}{name}: {exc}") from exc


def _trn(value) -> str:
    if not isinstance(value, str) or not TRN_RE.match(value):
        raise ValueError("must be a 7-digit string")
    return value


def _str(value, default=None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _status(value) -> str:
    if value not in INDUCTION_STATUSES:
        raise ValueError(f"must be one of {', '.join(INDUCTION_STATUSES)}")
    return value


def _bool(value) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def parse_seed(spec, index: int | None = None) -> Person:
    where = "" if index is None else f"persons[{index}]."
    if not isinstance(spec, dict):
        raise SeedError(f"{where.rstrip('.') or 'person'}: must be a JSON object")
    trn = _field(spec, "trn", _trn, where)
    merged_into = spec.get("mergedInto")
    if merged_into is not None:
        merged_into = _field(spec, "mergedInto", _trn, where)
    required = merged_into is None
    person = Person(
        trn=trn,
        first_name=_field(spec, "firstName", (lambda v: _str(v)) if required else (lambda v: _str(v, "")), where),
        middle_name=_field(spec, "middleName", lambda v: _str(v, ""), where),
        last_name=_field(spec, "lastName", (lambda v: _str(v)) if required else (lambda v: _str(v, "")), where),
        date_of_birth=_field(spec, "dateOfBirth", parse_date if required else parse_optional_date, where),
        qts_date=_field(spec, "qtsDate", parse_optional_date, where),
        induction_start_date=_field(spec, "inductionStartDate", parse_optional_date, where),
        induction_completed_date=_field(spec, "inductionCompletedDate", parse_optional_date, where),
        deactivated=_field(spec, "deactivated", _bool, where),
        merged_into=merged_into,
    )
    status = spec.get("inductionStatus")
    if status is None:
        status = "RequiredToComplete" if person.qts_date else "None"
    person.induction_status = _field({"inductionStatus": status}, "inductionStatus", _status, where)
    alerts = spec.get("alerts") or []
    if not isinstance(alerts, list) or not all(isinstance(a, dict) for a in alerts):
        raise SeedError(f"{where}alerts: must be a list of alert objects")
    if _field(spec, "prohibited", _bool, where):
        alerts = [prohibition_alert(trn), *alerts]
    person.alerts = alerts
    if spec.get("cpdModifiedOn") is not None:
        # Pretend CPD already wrote the seeded induction at that time.
        person.cpd_modified_on = _field(spec, "cpdModifiedOn", parse_timestamp, where)
        person.cpd_status = person.induction_status
        person.cpd_start_date = person.induction_start_date
        person.cpd_completed_date = person.induction_completed_date
    return person


@bp.post("/persons")
def seed_persons():
    try:
        body = _json_body()
        if isinstance(body, dict) and "persons" in body:
            specs, many = body["persons"], True
        elif isinstance(body, list):
            specs, many = body, True
        else:
            specs, many = [body], False
        if not isinstance(specs, list):
            raise SeedError("persons: must be a list")
        persons = [parse_seed(spec, i if many else None) for i, spec in enumerate(specs)]
    except SeedError as exc:
        return _bad(str(exc))
    store = _ctx().store
    with store.lock:
        for person in persons:
            store.upsert(person)
    return _ok({"upserted": [person.trn for person in persons]})


@bp.get("/persons")
def list_persons():
    return _ok({"persons": [test_person(person) for person in _ctx().store.all()]})


@bp.get("/persons/<trn>")
def show_person(trn: str):
    person = _ctx().store.snapshot(trn)
    if person is None:
        return p.ApiError(p.PERSON_NOT_FOUND, f"TRN: '{trn}'").response()
    return _ok(test_person(person))


@bp.post("/reset")
def reset():
    ctx = _ctx()
    ctx.store.reset()
    ctx.faults.clear()
    ctx.rate_limiter.reset()
    return _ok({"reset": True})


@bp.post("/faults")
def set_faults():
    try:
        body = _json_body()
    except SeedError as exc:
        return _bad(str(exc))
    specs = body.get("faults") if isinstance(body, dict) and "faults" in body else body
    specs = specs if isinstance(specs, list) else [specs]
    try:
        faults = [parse_fault(spec) for spec in specs]
    except FaultSpecError as exc:
        return _bad(str(exc))
    _ctx().faults.replace(faults)
    return _ok({"faults": _ctx().faults.to_json()})


@bp.get("/faults")
def show_faults():
    return _ok({"faults": _ctx().faults.to_json()})


@bp.post("/console-edit")
def console_edit():
    try:
        body = _json_body()
        if not isinstance(body, dict):
            raise SeedError("body must be a JSON object")
        trn = _field(body, "trn", _trn, "")
        status = _field(body, "status", _status, "")
        start = _field(body, "startDate", parse_optional_date, "")
        completed = _field(body, "completedDate", parse_optional_date, "")
        force = _field(body, "force", _bool, "")
    except SeedError as exc:
        return _bad(str(exc))
    store = _ctx().store
    with store.lock:
        person = store.get(trn)
        if person is None or not person.active:
            return p.ApiError(p.PERSON_NOT_FOUND, f"TRN: '{trn}'").response()
        if person.qts_date is None and not force:
            return p.problem(400, "Person does not have QTS.",
                             "The TRS console does not allow induction changes without QTS.")
        offered = (*CONSOLE_ALWAYS_OFFERED, person.induction_status)
        if person.managed_by_cpd() and status not in offered and not force:
            return p.problem(
                400, "Induction is managed by CPD",
                f"The TRS console only offers {', '.join(dict.fromkeys(offered))} for this person "
                "(send force: true to bypass).")
        person.apply_console_edit(status, start, completed)
        shown = test_person(person)
    return _ok(shown)


@bp.get("/requests")
def show_requests():
    kind = request.args.get("kind", "put")
    entries = _ctx().store.requests()
    if kind != "all":
        entries = [e for e in entries if e["kind"] == kind]
    return _ok({"requests": entries})
