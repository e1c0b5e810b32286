"""Changes to an ECT or a mentor, and reporting that one is leaving: each an edit page → check answers →
confirmation, the same wizard mechanics as registering (answers server-side, one-time confirm)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from collections.abc import Callable

from flask import abort, redirect, request, url_for

from ecf_shared.dates import add_days

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.domain.registering import PROGRAMMES, WORKING_PATTERNS
from portal.domain.wizard import CHECK_ANSWERS, Step, Wizard
from portal.http.base import current_context, render, section, services
from portal.http.formatting import format_date
from portal.http.school.common import AB_KINDS, choices, radio_items
from portal.http.school.pages import Errors, StepPage, WizardPages, choice_reader, date_reader, email_reader
from portal.http.wizards import load_run, start_run

KINDS = {"ects": ("ECT", "/registrations/ects", "school.ect", "ect_id"),
         "mentors": ("mentor", "/registrations/mentors", "school.mentor", "mentor_id")}


@dataclass(frozen=True)
class Change:
    field: str  # URL segment
    label: str  # what changes, as in "Change email address"
    steps: tuple[Step, ...]
    pages: dict[str, StepPage]
    current: Callable[[dict], str]
    proposed: Callable[[dict, dict], str]  # (record, answers)
    apply: Callable[[str, dict, dict], None]  # (kind, record, answers)
    keys: tuple[str, ...] = field(default=())


def _record(run) -> dict:
    return run.answers["_record"]


def _name(record: dict) -> str:
    return f"{record['first_name']} {record['last_name']}"


def _training_starts(record: dict) -> str:
    """A training change takes effect today, or the day after the current training began if that is later (a
    training period lasts a day at least, so a second change on one day takes effect the next)."""
    began = record.get("training_started_on") or record["started_on"]
    return max(date.today(), add_days(date.fromisoformat(began), 1)).isoformat()


def _choice_names(record: dict) -> dict:
    options = choices(record["school_id"])
    return {o["id"]: o["name"] for o in options["appropriate_bodies"] + options["lead_providers"]}


# --- the edit pages ----------------------------------------------------------------------------------------------

def _read_name(run, form):
    first, last = read.clean(form.get("first_name"), 200), read.clean(form.get("last_name"), 200)
    errors = {k: m for k, v, m in (("first_name", first, "Enter the first name"),
                                   ("last_name", last, "Enter the last name")) if not v}
    if errors:
        raise Errors(errors)
    record = _record(run)
    if (first, last) == (record["first_name"], record["last_name"]):
        raise Errors({"first_name": "Enter a name that is different from the current one"})
    return {"first_name": first, "last_name": last}


def _radio_reader(name: str, options: Callable[[dict], list[str]], message: str, same: str | None = None):
    return choice_reader(name, lambda run: options(_record(run)), message, same=same)


def _lead_provider_ids(record):
    return [p["id"] for p in choices(record["school_id"])["lead_providers"]]


def _radios(name: str, legend: str, items: Callable[[dict], list[dict]], hint: str | None = None):
    return lambda run: {"field": name, "legend": legend.format(name=_name(_record(run))),
                        "items": items(_record(run)), "hint": hint,
                        "value": run.answers.get(name, _record(run).get(name))}


NAME_PAGE = StepPage("school/change_name.html", _read_name, lambda run: {
    "value": {"first_name": run.answers.get("first_name", _record(run)["first_name"]),
              "last_name": run.answers.get("last_name", _record(run)["last_name"])}})
EMAIL_PAGE = StepPage("wizards/text.html", email_reader(differs_from=lambda run: _record(run).get("email")), lambda run: {
    "field": "email", "label": f"What is {_name(_record(run))}'s email address?", "input_type": "email",
    "autocomplete": "email", "value": run.answers.get("email", _record(run).get("email"))})
LEAD_PROVIDER_PAGE = StepPage("wizards/radios.html", _radio_reader(
    "lead_provider_id", _lead_provider_ids, "Select the lead provider"),
    _radios("lead_provider_id", "Which lead provider will train {name}?",
            lambda r: radio_items(choices(r["school_id"])["lead_providers"])))


def _patch(kind: str, record: dict, body: dict) -> None:
    services().patch(f"{KINDS[kind][1]}/{record['id']}", body)


def _correct_name(kind, record, answers):
    services().patch(f"/registrations/teachers/{record['teacher_id']}", {
        "school_id": record["school_id"], "first_name": answers["first_name"], "last_name": answers["last_name"]})


def _change_training(kind, record, answers):
    programme = "provider_led" if kind == "mentors" else answers.get("training_programme", "provider_led")
    services().post(f"{KINDS[kind][1]}/{record['id']}/training", {
        "training_programme": programme,
        "lead_provider_id": answers.get("lead_provider_id") if programme == "provider_led" else None,
        "started_on": _training_starts(record)})


def _provider_led(answers: dict) -> bool:
    return answers.get("training_programme") == "provider_led"


NAME = Change("name", "name", (Step("edit", ("first_name", "last_name")),), {"edit": NAME_PAGE},
              _name, lambda r, a: f"{a['first_name']} {a['last_name']}", _correct_name)
EMAIL = Change("email", "email address", (Step("edit", ("email",)),), {"edit": EMAIL_PAGE},
               lambda r: r.get("email") or "", lambda r, a: a["email"],
               lambda kind, r, a: _patch(kind, r, {"email": a["email"]}))

ECT_CHANGES = {c.field: c for c in (
    NAME, EMAIL,
    Change("working-pattern", "working pattern", (Step("edit", ("working_pattern",)),), {"edit": StepPage(
        "wizards/radios.html", _radio_reader("working_pattern", lambda r: list(WORKING_PATTERNS),
                                             "Select full time or part time",
                                             "Select a working pattern that is different from the current one"),
        _radios("working_pattern", "Does {name} work full time or part time?",
                lambda r: [{"value": k, "text": v} for k, v in WORKING_PATTERNS.items()]))},
        lambda r: WORKING_PATTERNS.get(r.get("working_pattern"), ""), lambda r, a: WORKING_PATTERNS[a["working_pattern"]],
        lambda kind, r, a: _patch(kind, r, {"working_pattern": a["working_pattern"]})),
    Change("appropriate-body", "appropriate body", (Step("edit", ("appropriate_body_id",)),), {"edit": StepPage(
        "wizards/radios.html", _radio_reader(
            "appropriate_body_id", lambda r: [a["id"] for a in choices(r["school_id"])["appropriate_bodies"]],
            "Select the appropriate body", "Select an appropriate body that is different from the current one"),
        _radios("appropriate_body_id", "Which appropriate body will support {name}'s induction?",
                lambda r: radio_items([{**a, "kind_name": AB_KINDS.get(a.get("kind"), "")}
                                       for a in choices(r["school_id"])["appropriate_bodies"]], "kind_name")))},
        lambda r: r.get("appropriate_body_name") or "Not given",
        lambda r, a: _choice_names(r).get(a["appropriate_body_id"], ""),
        lambda kind, r, a: _patch(kind, r, {"appropriate_body_id": a["appropriate_body_id"]})),
    Change("training-programme", "training programme",
           (Step("edit", ("training_programme",)), Step("lead-provider", ("lead_provider_id",), _provider_led)),
           {"edit": StepPage("wizards/radios.html", _radio_reader(
               "training_programme", lambda r: list(PROGRAMMES), "Select the training programme",
               "Select a training programme that is different from the current one"),
               _radios("training_programme", "Which training programme will {name} follow?",
                       lambda r: [{"value": k, "text": v} for k, v in PROGRAMMES.items()])),
            "lead-provider": LEAD_PROVIDER_PAGE},
           lambda r: PROGRAMMES.get(r.get("training_programme"), ""),
           lambda r, a: PROGRAMMES[a["training_programme"]] + (
               f" with {_choice_names(r).get(a['lead_provider_id'], '')}" if _provider_led(a) else ""),
           _change_training),
    Change("lead-provider", "lead provider", (Step("edit", ("lead_provider_id",)),), {"edit": StepPage(
        "wizards/radios.html", _radio_reader("lead_provider_id", _lead_provider_ids, "Select the lead provider",
                                             "Select a lead provider that is different from the current one"),
        LEAD_PROVIDER_PAGE.values)},
        lambda r: r.get("lead_provider_name") or "", lambda r, a: _choice_names(r).get(a["lead_provider_id"], ""),
        lambda kind, r, a: _change_training(kind, r, {"training_programme": "provider_led", **a})),
)}
MENTOR_CHANGES = {c.field: c for c in (NAME, EMAIL, ECT_CHANGES["lead-provider"])}
CHANGES = {"ects": ECT_CHANGES, "mentors": MENTOR_CHANGES}


# --- leaving -------------------------------------------------------------------------------------------------------

def _leaving_date_check(run, day: date) -> str | None:
    if day < date.fromisoformat(_record(run)["started_on"]):
        return f"Leaving date must be on or after {format_date(_record(run)['started_on'])}"
    if (day - date.today()).days > 366:
        return "Leaving date must be within the next 12 months"
    return None


LEAVING = Change("leaving", "leaving date", (Step("edit", ("finished_on",)),), {"edit": StepPage(
    "wizards/date.html", date_reader("finished_on", "Leaving date", _leaving_date_check), lambda run: {
        "field": "finished_on", "label": f"When is or was {_name(_record(run))}'s last day at your school?",
        "hint": "For example, 20 7 2027", "value": read.date_form_values(run.answers.get("finished_on"))})},
    lambda r: "", lambda r, a: format_date(a["finished_on"]),
    lambda kind, r, a: services().post(f"{KINDS[kind][1]}/{r['id']}/leave", {"finished_on": a["finished_on"]}))


# --- the pages -----------------------------------------------------------------------------------------------------

def register(bp) -> None:
    bp.add_url_rule("/ects/<uuid:ect_id>/change/<field>", "change_ect",
                    section("school")(lambda ect_id, field: start("ects", str(ect_id), field)))
    bp.add_url_rule("/mentors/<uuid:mentor_id>/change/<field>", "change_mentor",
                    section("school")(lambda mentor_id, field: start("mentors", str(mentor_id), field)))
    bp.add_url_rule("/<any(ects, mentors):kind>/<uuid:person_id>/leaving", "leaving_start",
                    section("school")(lambda kind, person_id: start(kind, str(person_id), "leaving")))
    bp.add_url_rule("/<any(ects, mentors):kind>/<uuid:person_id>/change/<field>/start", "change_start",
                    section("school")(lambda kind, person_id, field: start(kind, str(person_id), field)))
    bp.add_url_rule("/<any(ects, mentors):kind>/<uuid:person_id>/change/<field>/<step>", "change_step",
                    section("school")(lambda kind, person_id, field, step: _pages(kind, field).page(step)),
                    methods=["GET", "POST"])
    bp.add_url_rule("/<any(ects, mentors):kind>/<uuid:person_id>/change/<field>/done", "change_done",
                    section("school")(done))


def _change(kind: str, field: str) -> Change:
    change = LEAVING if field == "leaving" else CHANGES[kind].get(field)
    if change is None:
        abort(404)
    return change


def _wizard(kind: str, change: Change) -> Wizard:
    return Wizard(f"change-{kind}-{change.field}", change.steps)


def start(kind: str, person_id: str, field: str):
    change = _change(kind, field)
    record = services().get(f"{KINDS[kind][1]}/{person_id}")
    if record.get("status") == "left":
        return render("errors/refused.html", status=409,
                      message=f"{_name(record)} has left your school, so their details can no longer be changed.")
    context = current_context()
    start_run(_wizard(kind, change), context.acting_organisation_id if context.mode == "hat" else None,
              _record=record)
    return redirect(url_for("school.change_step", kind=kind, person_id=person_id, field=field, step="edit"))


def _pages(kind: str, field: str) -> WizardPages:
    change = _change(kind, field)
    label, _, page_endpoint, _ = KINDS[kind]
    wizard = _wizard(kind, change)

    def check_answers(run):
        record = _record(run)
        rows = []
        if change is not LEAVING:
            rows.append({"key": {"text": f"Current {change.label}"}, "value": {"text": change.current(record)}})
        rows.append({"key": {"text": f"New {change.label}" if change is not LEAVING else "Last day at your school"},
                     "value": {"text": change.proposed(record, run.answers)},
                     "actions": {"items": [{"href": pages.change_url("edit"), "text": "Change",
                                            "visuallyHiddenText": change.label}]}})
        if change is LEAVING:
            return {"heading": f"Check that {_name(record)} is leaving your school", "rows": rows,
                    "button": "Confirm that they are leaving",
                    "declaration": "Their training and mentoring at your school will end on that day. We will tell "
                                   "their lead provider and appropriate body."}
        if change.apply is _change_training or change.field == "lead-provider":
            rows.append({"key": {"text": "Takes effect on"}, "value": {"text": format_date(_training_starts(record))}})
        return {"heading": f"Check the new {change.label} for {_name(record)}", "rows": rows, "button": "Confirm change"}

    def confirm(run, confirmation):
        record = _record(run)
        try:
            change.apply(kind, record, run.answers)
        except ServiceError as error:
            if error.status in (409, 422):
                raise Errors({pages.change_url("edit"): error.message}) from error
            raise
        url = url_for("school.change_done", kind=kind, person_id=record["id"], field=field)
        confirmation.done(url, name=_name(record), label=change.label, leaving=change is LEAVING,
                          page=url_for(page_endpoint, **{KINDS[kind][3]: record["id"]}))
        return redirect(url)

    pages = WizardPages(wizard, "school.change_step", "school.change_start", change.pages, check_answers,
                        confirm, url_values=lambda: {"kind": kind, "person_id": request.view_args["person_id"],
                                                     "field": field},
                        caption=f"Change {label}'s {change.label}" if change is not LEAVING else f"{label} leaving")
    return pages


def done(kind, person_id, field):
    change = _change(kind, field)
    run = load_run(_wizard(kind, change).name, url_for("school.ects"), allow_done=True)
    if run.result is None:
        return redirect(url_for("school.change_step", kind=kind, person_id=person_id, field=field, step=CHECK_ANSWERS))
    return render("school/change_done.html", result=run.result)
