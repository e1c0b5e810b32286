"""Every refusal becomes a page: a service's 403 or 404, the gateway down, a form without its CSRF token, a URL
that does not exist. Never a stack trace, never a 500 for something a person did."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ecf_shared.logging import get_logger
from portal.adapters.gateway import ServiceError, ServiceUnavailable
from portal.http.base import SignedOut, WrongSection, render, working_context
from portal.http.wizards import LostWizard

log = get_logger(__name__)
blueprint = Blueprint("errors", __name__)


def _signed_out(_error):
    if request.method == "GET" and working_context() is None:
        return redirect(url_for("signing_in.start", next=request.full_path.rstrip("?")))
    session.clear()
    flash("You have been signed out. Sign in again to continue.", "info")
    return redirect(url_for("signing_in.start"))


def _service_error(error: ServiceError):
    if error.status == 401:
        return _signed_out(error)
    if error.code == "choose_organisation":
        return redirect(url_for("organisations.choose"))
    if error.status == 404:
        return render("errors/not_found.html", status=404)
    if error.status == 403:
        return render("errors/forbidden.html", status=403, message=error.message)
    log.info("service_refused", status=error.status, code=error.code)
    return render("errors/refused.html", status=error.status if error.status in (409, 410, 422) else 400,
                  message=error.message)


def _unavailable(error: ServiceUnavailable):
    log.warning("service_unavailable", error=str(error)[:300])
    return render("errors/unavailable.html", status=503)


def _csrf(error: CSRFError):
    return render("errors/csrf.html", status=400, reason=error.description)


def _wrong_section(error: WrongSection):
    return render("errors/wrong_section.html", status=403, organisation_type=error.organisation_type)


def _lost_wizard(error: LostWizard):
    return render("wizards/start_again.html", status=409, start_url=error.start_url, reason=error.reason)


def _http(error: HTTPException):
    if error.code == 404:
        return render("errors/not_found.html", status=404)
    if error.code == 413:
        return render("errors/refused.html", status=413, message="The file is too large: it must be smaller than 2 MB.")
    if error.code == 405:
        return render("errors/not_found.html", status=405)
    return render("errors/refused.html", status=error.code or 400, message=error.description)


def _unexpected(error: Exception):
    log.exception("unhandled_error", error=str(error)[:300])
    return render("errors/problem.html", status=500)


def register_handlers(app) -> None:
    app.register_error_handler(SignedOut, _signed_out)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(ServiceUnavailable, _unavailable)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(WrongSection, _wrong_section)
    app.register_error_handler(LostWizard, _lost_wizard)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
