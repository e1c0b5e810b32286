"""The full-sync route, GET /api/v3/participants/ecf, answered in front of Flask: one statement, one round
trip, and the stored documents come back from PostgreSQL as the bytes to send.

Lead providers sync by paging through this route, so its fixed cost per request bounds their sync rate.
This WSGI middleware answers its common case (a valid token under the rate limit, valid paging, filters and
one sort key) without Flask's request machinery, keeping what the platform does for every request: the
correlation id (bound for logs, returned in X-Correlation-Id), the request metrics and the request log line.
Everything else goes on to the Flask app unchanged, which answers exactly as before: an unknown token (401),
a request over the rate limit (429: already counted here, so Flask is told and does not count it again),
PostgreSQL out of reach (503: Flask is told, and does not try again), a bad query (400, after Flask
authenticates and counts it), two sort keys, out-of-range pages.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qsl

import sqlalchemy.exc
import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" codec error handler used below
from werkzeug.datastructures import ImmutableMultiDict

from ecf_shared import correlation
from ecf_shared.logging import get_logger
from ecf_shared.web import platform, request_guard
from lp_api.lead_provider_auth import COUNTED_ENVIRON_KEY, caller_params
from lp_api.participant_pages import page_from, page_statement, plans_for, served_by_one_statement
from lp_api.participants_query import PARTICIPANT_FILTERS
from lp_api.statement_connections import statement_connections
from lp_api.v3_params import parse_list_params

PATH = "/api/v3/participants/ecf"
ENDPOINT = "lp-api-v3.EcfParticipants"  # the Flask endpoint's name, so metrics and logs read the same

log = get_logger("http")
failures = get_logger("lp_api.fast_lists")


def query_args(environ) -> ImmutableMultiDict:
    """The query string as Flask's request.args reads it (werkzeug.sansio.request.Request.args)."""
    query = environ.get("QUERY_STRING", "").encode("latin1").decode()
    return ImmutableMultiDict(parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"))


def bearer(authorization: str) -> str | None:
    """As ecf_shared.web.auth.bearer_token, from the raw header."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class ParticipantListFastPath:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.next = wsgi_app
        self._metric_children = None

    def _metrics(self):
        if self._metric_children is None:
            self._metric_children = (platform.REQUESTS.labels("GET", ENDPOINT, 200),
                                     platform.LATENCY.labels("GET", ENDPOINT))
        return self._metric_children

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET":
            return self.next(environ, start_response)
        started = time.perf_counter()
        token = bearer(environ.get("HTTP_AUTHORIZATION", ""))
        if token is None:
            return self.next(environ, start_response)
        args = query_args(environ)
        if request_guard.unstorable_values(args):  # Flask answers it (422)
            return self.next(environ, start_response)
        try:
            params = parse_list_params(args, filters=PARTICIPANT_FILTERS)
        except Exception:  # noqa: BLE001 - a 400 (or anything odder): Flask answers it as it always has
            return self.next(environ, start_response)
        if not served_by_one_statement(params):
            return self.next(environ, start_response)
        ctx = self.app.extensions["ecf"]
        try:
            sql, values = page_statement(params)
            values.update(caller_params(ctx, token))
            page = page_from(statement_connections(ctx, plans_for(params)).fetch_all(sql, values))
        except sqlalchemy.exc.OperationalError as exc:  # PostgreSQL unreachable: Flask answers 503 without retrying
            environ[COUNTED_ENVIRON_KEY] = exc
            return self.next(environ, start_response)
        except Exception:  # noqa: BLE001 - the general path answers (and reports) whatever this was
            failures.exception("participants page statement failed; answering through Flask")
            return self.next(environ, start_response)
        if page is None or page.counted.count > ctx.settings.lp_rate_limit:
            if page is not None:
                environ[COUNTED_ENVIRON_KEY] = page.counted
            return self.next(environ, start_response)
        correlation_id = correlation.bind(environ.get("HTTP_X_CORRELATION_ID"))
        try:
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(page.body))),
                                      (correlation.HEADER, correlation_id)])
            elapsed = time.perf_counter() - started
            self._metrics()[0].inc()
            self._metrics()[1].observe(elapsed)
            log.info("request", method="GET", path=PATH, status=200, ms=round(elapsed * 1000, 1), user_id=None)
        finally:
            correlation.clear()
        return [page.body]
