"""Register an ECT: one page per step, every refusal its own page, check answers, confirmation."""
from __future__ import annotations

from flask import redirect

from portal.domain import answers as read
from portal.domain.registering import FIELD_STEPS, PROGRAMMES, REGISTER_ECT, WORKING_PATTERNS, ect_choices, ect_command
from portal.http.formatting import format_date
from portal.http.school import finding
from portal.http.school.common import AB_KINDS, choices, radio_items, school_name, schools
from portal.http.school.pages import (Errors, StepPage, WizardPages, choice_reader, date_reader, email_reader,
                                     programme_page)
from portal.http.school.registration_pages import (Registration, name, register_routes, school_question,
                                                    school_reader, start_date_check, start_page, submit)

ECT = Registration("ect", "ECT", REGISTER_ECT, "/registrations/ects", FIELD_STEPS,
                   school_answers=lambda school_id: {"school_id": school_id,
                                                     "_previous_choices": choices(school_id).get("last_ect_choices")})


def register(bp) -> None:
    register_routes(bp, ECT, PAGES, lambda: start_page(ECT))


def _other_school(run) -> str:
    elsewhere = (run.answers.get("teacher") or {}).get("registered_elsewhere") or {}
    return elsewhere.get("school_name") or "another school"


def read_moving(run, form):
    answer = form.get("moving")
    if answer not in ("yes", "no"):
        raise Errors({"moving": f"Select yes if {name(run)} is moving to your school"})
    if answer == "no":
        return redirect(ECT.url("refused", reason="registered-elsewhere"))
    return {"moving": True}


def read_use_previous(run, form):
    answer = form.get("use_previous")
    if answer not in ("yes", "no"):
        raise Errors({"use_previous": "Select yes to use the same choices as your last ECT"})
    return {"use_previous": answer == "yes"}


def _option_ids(kind: str):
    return lambda run: [o["id"] for o in choices(run.answers["school_id"])[kind]]


def _yes_no(field: str, legend: str, hint: str | None = None):
    return {"field": field, "legend": legend, "hint": hint,
            "items": [{"value": "yes", "text": "Yes"}, {"value": "no", "text": "No"}]}


def _previous_summary(run) -> dict:
    previous = run.answers.get("_previous_choices") or {}
    names = _names(run)
    rows = [("Appropriate body", names.get(previous.get("appropriate_body_id"), "Not given")),
            ("Training programme", PROGRAMMES.get(previous.get("training_programme"), ""))]
    if previous.get("training_programme") == "provider_led":
        rows.append(("Lead provider", names.get(previous.get("lead_provider_id"), "")))
    return {**_yes_no("use_previous", "Do you want to use the same choices as your last ECT?"),
            "value": {True: "yes", False: "no"}.get(run.answers.get("use_previous")),
            "summary": [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]}


def _names(run) -> dict:
    options = choices(run.answers["school_id"])
    return {o["id"]: o["name"] for o in options["appropriate_bodies"] + options["lead_providers"]}


STEPS = {
    "which-school": StepPage("wizards/radios.html", school_reader(ECT), school_question(ECT)),
    "find-ect": StepPage("wizards/find_teacher.html",
                         lambda run, form: finding.find(run, form, check_path="/registrations/ects/check",
                                                        refused_endpoint="school.register_ect_refused"),
                         lambda run: {"heading": "Find an ECT", **finding.find_values(run)}),
    "moving-school": StepPage("wizards/radios.html", read_moving, lambda run: {
        **_yes_no("moving", f"Is {name(run)} moving to your school from {_other_school(run)}?",
                  "Their registration at the other school will end the day before they start with you."),
        "value": {True: "yes"}.get(run.answers.get("moving"))}),
    "review-ect": StepPage("school/register_ect/review.html", lambda run, form: {"reviewed": True}),
    "email": StepPage("wizards/text.html", email_reader(), lambda run: {
        "field": "email", "label": f"What is {name(run)}'s email address?", "input_type": "email",
        "autocomplete": "email", "value": run.answers.get("email"),
        "hint": "We will share this with their lead provider and appropriate body."}),
    "start-date": StepPage("wizards/date.html", date_reader("started_on", "Start date", start_date_check), lambda run: {
        "field": "started_on", "label": f"When did or will {name(run)} start as an ECT at your school?",
        "hint": "For example, 1 9 2026", "value": read.date_form_values(run.answers.get("started_on"))}),
    "working-pattern": StepPage("wizards/radios.html", lambda run, form: choice_reader(
        "working_pattern", lambda _: WORKING_PATTERNS, f"Select if {name(run)} works full time or part time")(run, form),
        lambda run: {"field": "working_pattern", "legend": f"Does {name(run)} work full time or part time?",
                     "items": [{"value": k, "text": v} for k, v in WORKING_PATTERNS.items()],
                     "value": run.answers.get("working_pattern")}),
    "use-previous-choices": StepPage("school/register_ect/use_previous.html", read_use_previous, _previous_summary),
    "appropriate-body": StepPage("wizards/radios.html", choice_reader(
        "appropriate_body_id", _option_ids("appropriate_bodies"), "Select the appropriate body for this ECT"),
        lambda run: {"field": "appropriate_body_id",
                     "legend": f"Which appropriate body will support {name(run)}'s induction?",
                     "hint": "Your school can only choose the kinds of appropriate body it is allowed to use.",
                     "items": radio_items([{**a, "kind_name": AB_KINDS.get(a.get("kind"), "")}
                                           for a in choices(run.answers["school_id"])["appropriate_bodies"]],
                                          "kind_name"),
                     "value": run.answers.get("appropriate_body_id")}),
    "training-programme": programme_page("Select the training programme for this ECT",
                                         lambda run: f"Which training programme will {name(run)} follow?",
                                         "Your school designs and delivers the training."),
    "lead-provider": StepPage("wizards/radios.html", choice_reader(
        "lead_provider_id", _option_ids("lead_providers"), "Select the lead provider"), lambda run: {
        "field": "lead_provider_id", "legend": f"Which lead provider will train {name(run)}?",
        "hint": "We will tell them about this ECT so they can contact your school.",
        "items": radio_items(choices(run.answers["school_id"])["lead_providers"]),
        "value": run.answers.get("lead_provider_id")}),
}


def check_answers(run) -> dict:
    answers = run.answers
    names, chosen = _names(run), ect_choices(answers)

    row = PAGES.answer_row

    previous_step = "use-previous-choices" if answers.get("use_previous") else None
    rows = [row("School", school_name(answers["school_id"]) or "", "which-school")] if len(schools()) > 1 else []
    rows += [row("Name", name(run)), row("Teacher reference number (TRN)", answers["trn"], "find-ect"),
             row("Date of birth", format_date(answers["date_of_birth"]), "find-ect")]
    if answers.get("moving"):
        rows.append(row("Moving from", _other_school(run), "moving-school"))
    rows += [row("Email address", answers["email"], "email"),
             row("School start date", format_date(answers["started_on"]), "start-date"),
             row("Working pattern", WORKING_PATTERNS[answers["working_pattern"]], "working-pattern"),
             row("Appropriate body", names.get(chosen["appropriate_body_id"], "Not given"),
                 previous_step or "appropriate-body"),
             row("Training programme", PROGRAMMES[chosen["training_programme"]], previous_step or "training-programme")]
    if chosen["training_programme"] == "provider_led":
        rows.append(row("Lead provider", names.get(chosen["lead_provider_id"], ""), previous_step or "lead-provider"))
    return {"heading": "Check your answers before registering this ECT", "rows": rows, "button": "Confirm details",
            "warnings": answers["teacher"].get("warnings") or []}


def confirm(run, confirmation):
    ect = submit(ECT, PAGES, ect_command(run.answers))
    url = ECT.url("done")
    confirmation.done(url, ect_id=ect["id"], name=f"{ect['first_name']} {ect['last_name']}", school_id=ect["school_id"])
    return redirect(url)


PAGES = WizardPages(REGISTER_ECT, ECT.endpoint, "school.register_ect_start", STEPS, check_answers, confirm,
                    caption="Register an ECT")
