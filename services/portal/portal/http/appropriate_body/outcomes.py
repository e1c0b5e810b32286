"""What an appropriate body records about a teacher it has claimed: a pass, a fail (with the confirmation that the
ECT was told of their right to appeal), a release, extensions, an appeal. Each is one form page; inductions
decides every change, and one outside the edit rules' time windows goes to DfE for manual handling, which the
user is told on its own page (it is not an error)."""
from __future__ import annotations

import secrets
from datetime import date

from flask import abort, flash, redirect, request, session, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.http.appropriate_body.common import in_section, induction, name, open_period, outcome_period, pending_appeal
from portal.http.base import portal, render, services

KINDS = {"pass": "Record a passed induction", "fail": "Record a failed induction",
         "release": "Release this ECT"}
DONE = {"pass": "{name}'s induction has been recorded as passed",
        "fail": "{name}'s induction has been recorded as failed",
        "release": "{name} has been released: your induction period has ended without an outcome"}


def register(bp) -> None:
    bp.add_url_rule("/teachers/<trn>/outcome/<kind>", "outcome", in_section(outcome), methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<trn>/extensions/new", "add_extension", in_section(extension), methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<trn>/extensions/<uuid:extension_id>", "change_extension", in_section(extension),
                    methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<trn>/appeal", "appeal", in_section(appeal), methods=["GET", "POST"])


def _teacher_url(trn: str) -> str:
    return url_for("appropriate_body.teacher", trn=trn)


def once_token() -> str:
    """Each form page's one-time token: a form sent twice (a double click, the browser's resend) changes once."""
    return secrets.token_urlsafe(24)


def send_once(found: dict, path: str, body: dict, field_ids: dict[str, str], done: str, *, method: str = "POST",
              back_url: str | None = None, on_manual=None):
    """Send the change: back to the teacher (or `back_url`) with a success banner; a refusal shown on the form;
    outside the time windows, the page saying DfE will handle it (or what `on_manual(error)` answers). A replay of a
    form already sent goes where the first went."""
    store, token = portal().form_tokens, request.form.get("once_token", "")
    teacher_url = back_url or _teacher_url(found["trn"])
    if not token:
        raise Refused({next(iter(field_ids.values())): "This form has expired. Go back to the teacher and try again"})
    if not store.take(token, session.id_hash or ""):
        return redirect(store.result(token) or teacher_url)
    try:
        services().call(method, path, json_body=body)
    except ServiceError as error:
        if error.code == "manual_handling_required":
            store.done(token, teacher_url)
            if on_manual is not None:
                return on_manual(error)
            return render("appropriate_body/manual.html", name=name(found), message=error.message,
                          teacher_url=teacher_url)
        store.release(token)
        if error.status in (409, 422):
            fields = {field_ids.get(k, k): v for k, v in error.field_messages().items() if k in field_ids}
            raise Refused(fields or {next(iter(field_ids.values())): error.message}) from error
        raise
    except Exception:
        store.release(token)
        raise
    store.done(token, teacher_url)
    flash(done, "success")
    return redirect(teacher_url)


class Refused(Exception):
    def __init__(self, errors: dict):
        self.errors = errors


def _date(form, field: str, label: str, errors: dict, *, not_before: str | None = None, before_label: str = ""):
    day, message, wrong = read.date_parts(form, field, label)
    if message is None and day > date.today():
        message, wrong = f"{label} cannot be in the future", ["day", "month", "year"]
    if message is None and not_before and day < date.fromisoformat(not_before):
        message, wrong = f"{label} must be on or after {before_label}", ["day", "month", "year"]
    if message:
        errors[field], errors[f"{field}__parts"] = message, wrong
    return day


def outcome(trn: str, kind: str):
    if kind not in KINDS:
        abort(404)
    found = induction(trn)
    period = open_period(found)
    if period is None:
        return render("appropriate_body/no_open_period.html", name=name(found), teacher_url=_teacher_url(trn))
    values = {"kind": kind, "heading": KINDS[kind], "name": name(found), "period": period,
              "back_link": _teacher_url(trn), "form": request.form, "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("appropriate_body/outcome.html", **values)
    errors = {}
    finished_on = _date(request.form, "finished_on", "End date", errors, not_before=period["started_on"],
                        before_label="the start of the induction period")
    terms, message = read.terms(request.form.get("number_of_terms"))
    if message:
        errors["number_of_terms"] = message
    body = {"appropriate_body_id": period["appropriate_body_id"], "outcome": kind,
            "finished_on": finished_on.isoformat() if finished_on else None, "number_of_terms": terms}
    if kind == "fail":
        if request.form.get("appeal_notice_confirmed") != "yes":
            errors["appeal_notice_confirmed"] = "Confirm that you have told the ECT about their right to appeal"
        told_on = _date(request.form, "appeal_notice_confirmed_on", "Date you told them", errors)
        body.update(appeal_notice_confirmed=True, appeal_notice_confirmed_on=told_on.isoformat() if told_on else None)
    if errors:
        return render("appropriate_body/outcome.html", status=422, errors=errors, **values)
    try:
        return send_once(found, f"/inductions/ects/{trn}/outcome", body,
                     {"finished_on": "finished_on", "number_of_terms": "number_of_terms",
                      "appeal_notice_confirmed": "appeal_notice_confirmed",
                      "appeal_notice_confirmed_on": "appeal_notice_confirmed_on"},
                     DONE[kind].format(name=name(found)))
    except Refused as refused:
        return render("appropriate_body/outcome.html", status=422, errors=refused.errors, **values)


def extension(trn: str, extension_id=None):
    found = induction(trn)
    existing = None
    if extension_id is not None:
        existing = next((e for e in found["extensions"] if e["id"] == str(extension_id)), None)
        if existing is None:
            abort(404)
    period = open_period(found) or (found["periods"][-1] if found["periods"] else None)
    body_id = existing["appropriate_body_id"] if existing else period and period["appropriate_body_id"]
    values = {"name": name(found), "existing": existing, "back_link": _teacher_url(trn), "form": request.form,
              "heading": "Change an extension" if existing else "Add an extension",
              "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("appropriate_body/extension.html", **values)
    terms, message = read.terms(request.form.get("terms"), "Number of terms", minimum="0.1")
    if message:
        return render("appropriate_body/extension.html", status=422, errors={"terms": message}, **values)
    body = {"appropriate_body_id": body_id, "terms": terms}
    if existing:
        path, method, done = (f"/inductions/ects/{trn}/extensions/{existing['id']}", "PATCH",
                              f"{name(found)}'s extension has been changed to {terms} terms")
    else:
        path, method, done = (f"/inductions/ects/{trn}/extensions", "POST",
                              f"An extension of {terms} terms has been added to {name(found)}'s induction")
    try:
        return send_once(found, path, body, {"terms": "terms"}, done, method=method)
    except Refused as refused:
        return render("appropriate_body/extension.html", status=422, errors=refused.errors, **values)


def appeal(trn: str):
    found = induction(trn)
    failed = outcome_period(found)
    if found["status"] != "Failed" or failed is None or pending_appeal(found) is not None:
        return render("appropriate_body/no_appeal.html", name=name(found), teacher_url=_teacher_url(trn),
                      pending=pending_appeal(found))
    values = {"name": name(found), "period": failed, "back_link": _teacher_url(trn), "today": date.today(),
              "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("appropriate_body/appeal.html", **values)
    try:
        return send_once(found, f"/inductions/ects/{trn}/appeals", {"appropriate_body_id": failed["appropriate_body_id"]},
                     {"appeal": "appeal"}, f"{name(found)}'s appeal has been recorded. DfE will record its decision.")
    except Refused as refused:
        return render("appropriate_body/appeal.html", status=422, errors=refused.errors, **values)
