"""One JSON error format for every service: {status, code, message, fields?, details?, correlation_id}."""
from __future__ import annotations

from flask import jsonify
from flask_smorest import Api
from marshmallow import Schema
from marshmallow import fields as ma
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from ecf_shared import correlation
from ecf_shared.errors import AppError
from ecf_shared.logging import get_logger

log = get_logger(__name__)

_CODES = {400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "body_too_large", 415: "unsupported_media_type", 422: "invalid_input",
          429: "too_many_requests", 500: "internal_error", 503: "unavailable"}


def error_response(status: int, code: str, message: str, *, fields: dict | None = None, details: dict | None = None,
                   headers: dict | None = None):
    body = {"status": status, "code": code, "message": message, "correlation_id": correlation.current()}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {...}, "query": {...}}); callers want field names."""
    flat: dict = {}
    for location, fields in (messages or {}).items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


class ErrorSchema(Schema):
    """The one error format (documented as every operation's default response)."""

    status = ma.Integer(required=True)
    code = ma.String(required=True, metadata={"description": "machine-readable reason, e.g. invalid_input"})
    message = ma.String(required=True, metadata={"description": "plain-English explanation"})
    fields_ = ma.Dict(data_key="fields", keys=ma.String(), values=ma.Raw(),
                          metadata={"description": "per-field messages for invalid input"})
    details = ma.Dict()
    correlation_id = ma.String(required=True)


class JsonErrorsApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        fields = _flatten_webargs(data.get("messages", {})) if "messages" in data else None
        if status == 422:
            message = "The request has invalid or missing fields."
        elif status == 400 and fields:
            message = "The request could not be read."
        else:
            message = error.description or "Error"
        return error_response(status, _CODES.get(status, "error"), message, fields=fields,
                              headers=data.get("headers"))


def register(app) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        return error_response(exc.status, exc.code, exc.message, fields=exc.fields, details=exc.details,
                              headers=exc.headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return app.extensions["ecf"].api.handle_http_exception(exc)
        if isinstance(exc, IntegrityError):
            # A race a command did not foresee (two requests adding the same thing at once): the database kept
            # its constraint and the request changed nothing; the client can reload and decide.
            log.warning("integrity_conflict", error=str(exc.orig)[:300])
            return error_response(409, "conflict", "This conflicts with a change made at the same time; "
                                  "reload and try again.")
        if isinstance(exc, (OperationalError, InterfaceError)):
            log.warning("database_unavailable", error=str(exc)[:300])
            return error_response(503, "unavailable", "The service is briefly unavailable; try again shortly.",
                                  headers={"Retry-After": "5"})
        log.exception("unhandled_error", error=str(exc))
        return error_response(500, "internal_error", "Something went wrong; quote the correlation id to support.")
