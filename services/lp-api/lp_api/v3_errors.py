"""v3's error bodies, which lead providers' integrations already parse.

401 is `{"error": "HTTP Token: Access denied"}`; every other error is `{"errors": [{"title", "detail"}]}`.
Titles and details are v3's own wording (the old service's en.yml and the v3 document).
"""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ecf_shared.errors import AppError
from lp_api.rate_limit import RateLimited

ACCESS_DENIED = "HTTP Token: Access denied"
BAD_REQUEST = "Bad request"
INVALID_PAGE = ("The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number "
                "(equal and more than 1)")
INVALID_UPDATED_SINCE = "The filter '#/updated_since' must be a valid RCF3339 date"  # sic: v3's wording
NOT_FOUND_TITLE = "The requested resource was not found"
NOT_FOUND_DETAIL = "Nothing could be found for the provided details"

_TITLES = {400: BAD_REQUEST, 403: "Forbidden", 404: NOT_FOUND_TITLE, 405: "Method not allowed",
           409: "Conflict", 413: "Request entity too large", 415: "Unsupported media type",
           422: "Unprocessable entity", 429: "Too many requests"}


class V3Error(Exception):
    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class AccessDenied(Exception):
    pass


def bad_request(detail: str) -> V3Error:
    return V3Error(400, BAD_REQUEST, detail)


def not_found() -> V3Error:
    return V3Error(404, NOT_FOUND_TITLE, NOT_FOUND_DETAIL)


def unprocessable(detail: str) -> V3Error:
    return V3Error(422, "Unprocessable entity", detail)


def errors_response(status: int, title: str, detail: str, headers: dict | None = None):
    response = jsonify({"errors": [{"title": title, "detail": detail}]})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def access_denied_response():
    response = jsonify({"error": ACCESS_DENIED})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Token realm="Application"'
    return response


def _from_status(status: int, detail: str, headers: dict | None = None):
    if status == 401:
        return access_denied_response()
    return errors_response(status, _TITLES.get(status, "Error"), detail, headers)


def register(blueprint) -> None:
    """Errors raised by this blueprint's views (and its before_request) answer in v3's format."""
    blueprint.register_error_handler(V3Error, lambda e: errors_response(e.status, e.title, e.detail))
    blueprint.register_error_handler(AccessDenied, lambda e: access_denied_response())
    blueprint.register_error_handler(RateLimited, lambda e: errors_response(
        429, _TITLES[429], f"You have exceeded the request limit; retry in {e.retry_after} seconds",
        {"Retry-After": str(e.retry_after)}))
    blueprint.register_error_handler(AppError, lambda e: _from_status(e.status, e.message, e.headers))
    blueprint.register_error_handler(
        HTTPException, lambda e: _from_status(e.code or 500, e.description or "", getattr(e, "data", {}).get("headers")))
