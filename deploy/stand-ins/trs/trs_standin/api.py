"""The TRS v3 endpoints trs-sync calls."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from . import problems as p
from .checks import BodyInvalid, check_body, check_person, parse_body
from .dates import parse_date
from .shapes import api_find_result, api_person

MAX_FIND_PERSONS = 500

bp = Blueprint("api", __name__, url_prefix="/v3")

# Endpoint name -> request kind used by faults and the request log.
KINDS = {"api.get_person": "get", "api.find_persons": "find", "api.set_cpd_induction": "put"}


def _store():
    return current_app.extensions["trs_standin"].store


def _json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _is_json_request() -> bool:
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def _unsupported_media_type() -> Response:
    return p.problem(415, "Unsupported Media Type", "Send the body as application/json.")


@bp.get("/persons/<trn>")
def get_person(trn: str):
    dob_param = request.args.get("dateOfBirth")
    dob = None
    if dob_param is not None:
        try:
            dob = parse_date(dob_param)
        except ValueError as exc:
            return p.validation_problem({"dateOfBirth": [str(exc)]})
    includes = {
        part.strip().lower()
        for value in request.args.getlist("include")
        for part in value.split(",")
        if part.strip()
    }
    person = _store().snapshot(trn)
    if person is None:
        return p.ApiError(p.PERSON_NOT_FOUND, _not_found_detail(trn, dob_param)).response()
    if person.merged_into is not None:
        location = f"/v3/persons/{person.merged_into}"
        query = request.query_string.decode("latin-1")
        if query:
            location += f"?{query}"
        return p.bare(308, {"Location": location})
    if person.deactivated:
        return p.ApiError(p.PERSON_INACTIVE, f"TRN: '{trn}'").response()
    if dob is not None and person.date_of_birth != dob:
        return p.ApiError(p.PERSON_NOT_FOUND, _not_found_detail(trn, dob_param)).response()
    return _json_response(api_person(person, include_induction="induction" in includes))


def _not_found_detail(trn: str, dob: str | None) -> str:
    detail = f"TRN: '{trn}'"
    if dob is not None:
        detail += f"\nDate of birth: '{dob}'"
    return detail


@bp.post("/persons/find")
def find_persons():
    if not _is_json_request():
        return _unsupported_media_type()
    try:
        body = json.loads(request.get_data() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return p.validation_problem({"$": [f"The request body is not valid JSON: {exc}"]})
    persons = body.get("persons") if isinstance(body, dict) else None
    if not isinstance(persons, list):
        return p.validation_problem({"persons": ["The persons field is required and must be a list."]})
    if len(persons) > MAX_FIND_PERSONS:
        return p.validation_problem(
            {"persons": [f"A maximum of {MAX_FIND_PERSONS} persons may be given; got {len(persons)}."]})
    wanted: list[tuple[str, object]] = []
    errors: dict[str, list[str]] = {}
    for i, item in enumerate(persons):
        if not isinstance(item, dict) or not isinstance(item.get("trn"), str):
            errors[f"persons[{i}].trn"] = ["The trn field is required."]
            continue
        try:
            wanted.append((item["trn"], parse_date(item.get("dateOfBirth"))))
        except ValueError as exc:
            errors[f"persons[{i}].dateOfBirth"] = [str(exc)]
    if errors:
        return p.validation_problem(errors)
    results, seen = [], set()
    for trn, dob in wanted:
        if trn in seen:
            continue
        person = _store().snapshot(trn)
        if person is not None and person.active and person.date_of_birth == dob:
            seen.add(trn)
            results.append(api_find_result(person))
    return _json_response({"total": len(results), "results": results})


@bp.put("/persons/<trn>/cpd-induction")
def set_cpd_induction(trn: str):
    if not _is_json_request():
        return _unsupported_media_type()
    try:
        req = parse_body(request.get_data())
        check_body(req)  # checks 1-3
        store = _store()
        with store.lock:
            person = check_person(trn, store.get(trn), req)  # checks 4-6
            person.apply_cpd(req.status, req.start_date, req.completed_date, req.modified_on)
    except BodyInvalid as exc:
        return p.validation_problem(exc.errors)
    except p.ApiError as exc:
        return exc.response()
    return p.bare(204)
