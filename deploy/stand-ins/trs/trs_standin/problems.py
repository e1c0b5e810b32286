"""problem+json error bodies and the TRS error codes."""

from __future__ import annotations

import json

from flask import Response

PERSON_NOT_FOUND = 10001
STALE_REQUEST = 10033
PERSON_DOES_NOT_HAVE_QTS = 10034
INVALID_INDUCTION_STATUS = 10035
START_DATE_REQUIRED = 10036
COMPLETED_DATE_REQUIRED = 10037
START_DATE_NOT_PERMITTED = 10038
COMPLETED_DATE_NOT_PERMITTED = 10039
PERSON_INACTIVE = 10058

TITLES = {
    PERSON_NOT_FOUND: "Person not found.",
    STALE_REQUEST: "Request is stale",
    PERSON_DOES_NOT_HAVE_QTS: "Person does not have QTS.",
    INVALID_INDUCTION_STATUS: "Invalid induction status.",
    START_DATE_REQUIRED: "Induction start date is required.",
    COMPLETED_DATE_REQUIRED: "Induction completed date is required.",
    START_DATE_NOT_PERMITTED: "Induction start date is not permitted.",
    COMPLETED_DATE_NOT_PERMITTED: "Induction completed date is not permitted.",
    PERSON_INACTIVE: "Person is inactive.",
}

# HTTP status TRS answers with for each error code.
STATUSES = {
    PERSON_NOT_FOUND: 404,
    STALE_REQUEST: 409,
    PERSON_INACTIVE: 410,
}


class ApiError(Exception):
    """A TRS domain error carrying an errorCode."""

    def __init__(self, error_code: int, detail: str | None = None):
        super().__init__(TITLES[error_code])
        self.error_code = error_code
        self.detail = detail

    @property
    def status(self) -> int:
        return STATUSES.get(self.error_code, 400)

    def response(self) -> Response:
        return problem(self.status, TITLES[self.error_code], self.detail, self.error_code)


def problem(status: int, title: str, detail: str | None = None, error_code: int | None = None,
            headers: dict | None = None, **extra) -> Response:
    body = {"title": title, "status": status, "detail": detail, "errorCode": error_code}
    body.update(extra)
    resp = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def validation_problem(errors: dict[str, list[str]]) -> Response:
    """Model-binding/validation failure: 400 without a domain errorCode."""
    detail = "; ".join(f"{field}: {msg}" for field, msgs in errors.items() for msg in msgs)
    return problem(400, "One or more validation errors occurred.", detail, None, errors=errors)


def bare(status: int, headers: dict | None = None) -> Response:
    """An empty-bodied response (e.g. the 404 for an unknown API version)."""
    resp = Response(b"", status=status)
    resp.headers.pop("Content-Type", None)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp
