"""The CPD/TRS edit rules in the admin console: trs-sync's versioned rules table as a readable page, and a "try a
change" form that asks trs-sync's evaluate endpoint and shows its verdict and the rule that decided it (the portal
decides nothing: the form only turns answers into the endpoint's question)."""
from __future__ import annotations

from datetime import date

from flask import request

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.http.admin.common import staff_only
from portal.http.appropriate_body.common import STATUSES
from portal.http.base import render, services

FIELDS = {"status": "Induction status", "start_date": "Induction start date", "completed_date": "Induction completed date",
          "exemption": "Exemption"}
ACTORS = {"cpd_console": "DfE staff in CPD (this console)", "trs_console": "TRS support staff in the TRS console",
          "appropriate_body": "An appropriate body", "school": "A school", "system": "The service itself"}
STATUS_NAMES = {**STATUSES, "None": "None (no induction)"}
CHANGE_NAMES = {"set": "Set or correct the date", "clear": "Clear the date", "grant": "Grant an exemption",
                "remove": "Remove the exemption"}
FIELD_CHANGES = {"start_date": ("set", "clear"), "completed_date": ("set", "clear"), "exemption": ("grant", "remove")}
VERDICTS = {"allowed": "Allowed", "denied": "Not allowed", "manual_handling": "Goes to DfE for manual handling"}
ANCHORS = {"outcome": "the outcome", "appeal_lodged": "the appeal being lodged"}
DATES = {"today": "Date of the change", "outcome_on": "Date of the pass or fail",
         "appeal_lodged_on": "Date the appeal was lodged", "completed_date": "Induction completed date"}
# Where the evaluate endpoint's field messages belong on the form.
FORM_FIELDS = {"field": "field", "actor": "actor", "from": "state", "status": "state", "to": "change", "today": "today",
               "outcome_on": "outcome_on", "appeal_lodged_on": "appeal_lodged_on", "completed_date": "completed_date",
               "written_by_cpd": "written_by_cpd"}


def register(bp) -> None:
    bp.add_url_rule("/edit-rules", "edit_rules", staff_only(table))
    bp.add_url_rule("/edit-rules/try", "try_change", staff_only(try_change), methods=["GET", "POST"])


def _rules() -> dict:
    return services().get("/trs-sync/edit-rules")


def change_name(change: str) -> str:
    return CHANGE_NAMES.get(change) or f"Change the status to {STATUS_NAMES.get(change, change)}"


def windows_text(windows: list[dict]) -> str:
    if not windows:
        return "No time limit"
    return " or ".join(f"Within {w['days']} days of {ANCHORS.get(w['anchor'], w['anchor'].replace('_', ' '))}"
                       for w in windows)


def _names() -> dict:
    return {"fields": FIELDS, "actors": ACTORS, "statuses": STATUS_NAMES, "change_name": change_name,
            "windows_text": windows_text, "verdicts": VERDICTS}


def table():
    return render("admin/edit_rules.html", rules=_rules(), **_names())


def _choice(value, allowed) -> str | None:
    return value if value in allowed else None


def _read(form, rules: dict, errors: dict) -> dict | None:
    """The evaluate endpoint's question from the form's answers (None when an answer is missing or wrong)."""
    field = _choice(form.get("field"), rules["fields"])
    actor = _choice(form.get("actor"), rules["actors"])
    state = _choice(form.get("state"), rules["statuses"])
    change = read.clean(form.get("change"), 50)
    if field is None:
        errors["field"] = "Select what the change is to"
    if actor is None:
        errors["actor"] = "Select who makes the change"
    if state is None:
        errors["state"] = "Select the induction status before the change"
    fits = rules["statuses"] if field == "status" else FIELD_CHANGES.get(field or "", ())
    if not change:
        errors["change"] = "Select the change"
    elif field and change not in fits:
        errors["change"] = {"status": "Select a status: a change to the induction status is to another status",
                            "exemption": "Select grant or remove: a change to the exemption grants or removes it"}.get(
            field, "Select set or clear: a change to a date sets or clears it")
    days = {}
    for name, label in DATES.items():
        if all(not read.clean(form.get(f"{name}-{part}"), 10) for part in ("day", "month", "year")):
            days[name] = None
            continue
        day, message, wrong = read.date_parts(form, name, label)
        if message:
            errors[name], errors[f"{name}__parts"] = message, wrong
        days[name] = day
    written = form.get("written_by_cpd")
    if written not in ("yes", "no"):
        errors["written_by_cpd"] = "Select whether CPD has written this induction to TRS"
    if errors:
        return None
    body = {"field": field, "actor": actor, "written_by_cpd": written == "yes",
            **{name: day.isoformat() for name, day in days.items() if day is not None}}
    on = (days["today"] or date.today()).isoformat()
    if field == "status":
        body.update({"from": state, "to": change})
    elif field == "exemption":
        body.update({"status": state, "from": change == "remove", "to": change == "grant"})
    else:
        body.update({"status": state, "from": None if change == "set" else on, "to": on if change == "set" else None})
    return body


def try_change():
    rules = _rules()
    if request.method == "GET":
        # A row's "Try this rule" link fills the form in with the row's change, by its first actor.
        form = {"written_by_cpd": "yes", **{k: request.args[k] for k in ("field", "actor", "state", "change")
                                            if request.args.get(k)}}
        return render("admin/try_change.html", rules=rules, form=form, decision=None, **_names())
    errors: dict = {}
    body = _read(request.form, rules, errors)
    decision, status = None, 200
    if body is not None:
        try:
            decision = services().post("/trs-sync/edit-rules/evaluate", body)
        except ServiceError as error:
            if error.status != 422:
                raise
            errors = {FORM_FIELDS.get(k, "field"): v for k, v in error.field_messages().items()} or {"field": error.message}
    if errors:
        status = 422
    rule = next((r for r in rules["rules"] if decision and r["name"] == decision.get("rule")), None)
    return render("admin/try_change.html", status=status, errors=errors, rules=rules, form=request.form,
                  decision=decision, rule=rule, question=body, **_names())
