"""Notify's v2 error responses: `{"status_code": N, "errors": [{"error": "<Kind>", "message": "..."}]}`.

The kinds and messages are Notify's own (its API documentation and its source), so a client's handling of them
is tested against the words it will really see."""

from __future__ import annotations

import json

from flask import Response

# What Notify says about a token it cannot read at all.
GENERAL_TOKEN_ERROR = ("Invalid token: make sure your API token matches the example at "
                       "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header")


class NotifyError(Exception):
    status_code = 400
    kind = "BadRequestError"

    def __init__(self, *messages: str, status_code: int | None = None):
        super().__init__(messages[0] if messages else "")
        self.messages = list(messages)
        if status_code is not None:
            self.status_code = status_code

    def body(self) -> dict:
        return {"status_code": self.status_code,
                "errors": [{"error": self.kind, "message": message} for message in self.messages]}

    def response(self) -> Response:
        return json_response(self.body(), self.status_code)


class AuthError(NotifyError):
    kind = "AuthError"

    def __init__(self, message: str, status_code: int = 403):
        super().__init__(message, status_code=status_code)


class BadRequestError(NotifyError):
    kind = "BadRequestError"


class ValidationError(NotifyError):
    kind = "ValidationError"


class RateLimitError(NotifyError):
    status_code = 429
    kind = "RateLimitError"

    def __init__(self, key_type: str, limit: int, interval_seconds: int):
        # Notify calls its live keys "normal" in its code and "live" in its documentation and errors.
        shown = "LIVE" if key_type == "normal" else key_type.upper()
        super().__init__(f"Exceeded rate limit for key type {shown} of {limit} requests per {interval_seconds} seconds")


class NoResultFound(NotifyError):
    status_code = 404
    kind = "NoResultFound"

    def __init__(self):
        super().__init__("No result found")


class InternalServerError(NotifyError):
    status_code = 500
    kind = "Exception"

    def __init__(self):
        super().__init__("Internal server error")


class TimeoutServingRequest(NotifyError):
    status_code = 504
    kind = "EventletTimeout"

    def __init__(self):
        super().__init__("Timeout serving request")


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
