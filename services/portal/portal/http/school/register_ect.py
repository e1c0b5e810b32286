"""Register an ECT: one page per step, every refusal its own page, check answers, confirmation."""
from __future__ import annotations

from datetime import date

from flask import redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.domain.registering import FIELD_STEPS, PROGRAMMES, REGISTER_ECT, WORKING_PATTERNS, ect_choices, ect_command
from portal.domain.wizard import CHECK_ANSWERS
from portal.http.base import current_context, render, section, services
from portal.http.school import finding
from portal.http.school.common import AB_KINDS, choices, radio_items, school_name, schools
from portal.http.school.pages import Errors, StepPage, WizardPages
from portal.http.wizards import load_run, start_run

ENDPOINT = "school.register_ect"


def register(bp) -> None:
    bp.add_url_rule("/register-ect", "register_ect_start", section("school")(start), methods=["GET", "POST"])
    bp.add_url_rule("/register-ect/<step>", "register_ect", section("school")(lambda step: PAGES.page(step)),
                    methods=["GET", "POST"])
    bp.add_url_rule("/register-ect/cannot-register/<reason>", "register_ect_refused", section("school")(refused))
    bp.add_url_rule("/register-ect/registered", "register_ect_done", section("school")(done))


def start():
    if request.method == "POST":
        in_view = schools()
        answers = {"_ask_school": len(in_view) > 1}
        if len(in_view) == 1:
            answers.update(school_answers(in_view[0].id))
        context = current_context()
        run = start_run(REGISTER_ECT, context.acting_organisation_id if context.mode == "hat" else None, **answers)
        return redirect(url_for(ENDPOINT, step=REGISTER_ECT.first_unanswered(run.answers)))
    return render("school/register_ect/start.html")


def school_answers(school_id: str) -> dict:
    return {"school_id": school_id, "_previous_choices": choices(school_id).get("last_ect_choices")}


def _name(run) -> str:
    teacher = run.answers.get("teacher") or {}
    return f"{teacher.get('first_name', '')} {teacher.get('last_name', '')}".strip()


# --- steps -------------------------------------------------------------------------------------------------------

def read_school(run, form):
    chosen = read.clean(form.get("school_id"), 100)
    if chosen not in {s.id for s in schools()}:
        raise Errors({"school_id": "Select the school you are registering the ECT for"})
    if chosen == run.answers.get("school_id"):
        return {}
    return school_answers(chosen)


def read_moving(run, form):
    answer = form.get("moving")
    if answer not in ("yes", "no"):
        raise Errors({"moving": f"Select yes if {_name(run)} is moving to your school"})
    if answer == "no":
        return redirect(url_for("school.register_ect_refused", reason="registered-elsewhere"))
    return {"moving": True}


def read_email(run, form):
    value, message = read.email(form.get("email"), "email address")
    if message:
        raise Errors({"email": message})
    return {"email": value}


def read_start_date(run, form):
    day, message, wrong = read.date_parts(form, "started_on", "Start date")
    if message is None and day.year < 2021:
        message, wrong = "Start date must be on or after 1 January 2021", ["year"]
    elif message is None and (day - date.today()).days > 366:
        message, wrong = "Start date must be within the next 12 months", ["day", "month", "year"]
    if message:
        raise Errors({"started_on": message, "started_on__parts": wrong})
    return {"started_on": day.isoformat()}


def read_working_pattern(run, form):
    value, message = read.required_choice(form.get("working_pattern"), WORKING_PATTERNS,
                                          f"Select if {_name(run)} works full time or part time")
    if message:
        raise Errors({"working_pattern": message})
    return {"working_pattern": value}


def read_use_previous(run, form):
    answer = form.get("use_previous")
    if answer not in ("yes", "no"):
        raise Errors({"use_previous": "Select yes to use the same choices as your last ECT"})
    return {"use_previous": answer == "yes"}


def read_appropriate_body(run, form):
    allowed = [a["id"] for a in choices(run.answers["school_id"])["appropriate_bodies"]]
    value, message = read.required_choice(form.get("appropriate_body_id"), allowed,
                                          "Select the appropriate body for this ECT")
    if message:
        raise Errors({"appropriate_body_id": message})
    return {"appropriate_body_id": value}


def read_programme(run, form):
    value, message = read.required_choice(form.get("training_programme"), PROGRAMMES,
                                          "Select the training programme for this ECT")
    if message:
        raise Errors({"training_programme": message})
    return {"training_programme": value}


def read_lead_provider(run, form):
    allowed = [p["id"] for p in choices(run.answers["school_id"])["lead_providers"]]
    value, message = read.required_choice(form.get("lead_provider_id"), allowed, "Select the lead provider")
    if message:
        raise Errors({"lead_provider_id": message})
    return {"lead_provider_id": value}


def _yes_no(field, legend, hint=None):
    return lambda run: {"field": field, "legend": legend.format(name=_name(run), **_teacher(run)), "hint": hint,
                        "items": [{"value": "yes", "text": "Yes"}, {"value": "no", "text": "No"}],
                        "value": {True: "yes", False: "no"}.get(run.answers.get(field))}


def _teacher(run) -> dict:
    elsewhere = (run.answers.get("teacher") or {}).get("registered_elsewhere") or {}
    return {"other_school": elsewhere.get("school_name") or "another school"}


def _previous_summary(run) -> dict:
    previous = run.answers.get("_previous_choices") or {}
    options = choices(run.answers["school_id"])
    names = {o["id"]: o["name"] for o in options["appropriate_bodies"] + options["lead_providers"]}
    rows = [("Appropriate body", names.get(previous.get("appropriate_body_id"), "Not given")),
            ("Training programme", PROGRAMMES.get(previous.get("training_programme"), ""))]
    if previous.get("training_programme") == "provider_led":
        rows.append(("Lead provider", names.get(previous.get("lead_provider_id"), "")))
    return {**_yes_no("use_previous", "Do you want to use the same choices as your last ECT?")(run),
            "summary": [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]}


STEPS = {
    "which-school": StepPage("wizards/radios.html", read_school, lambda run: {
        "field": "school_id", "legend": "Which school are you registering the ECT for?",
        "items": [{"value": s.id, "text": s.name} for s in schools()], "value": run.answers.get("school_id")}),
    "find-ect": StepPage("wizards/find_teacher.html",
                         lambda run, form: finding.find(run, form, check_path="/registrations/ects/check",
                                                        refused_endpoint="school.register_ect_refused"),
                         lambda run: {"heading": "Find an ECT", **finding.find_values(run)}),
    "moving-school": StepPage("wizards/radios.html", read_moving, _yes_no(
        "moving", "Is {name} moving to your school from {other_school}?",
        "Their registration at the other school will end the day before they start with you.")),
    "review-ect": StepPage("school/register_ect/review.html", lambda run, form: {"reviewed": True}),
    "email": StepPage("wizards/text.html", read_email, lambda run: {
        "field": "email", "label": f"What is {_name(run)}'s email address?", "input_type": "email",
        "autocomplete": "email", "value": run.answers.get("email"),
        "hint": "We will share this with their lead provider and appropriate body."}),
    "start-date": StepPage("wizards/date.html", read_start_date, lambda run: {
        "field": "started_on", "label": f"When did or will {_name(run)} start as an ECT at your school?",
        "hint": "For example, 1 9 2026", "value": read.date_form_values(run.answers.get("started_on"))}),
    "working-pattern": StepPage("wizards/radios.html", read_working_pattern, lambda run: {
        "field": "working_pattern", "legend": f"Does {_name(run)} work full time or part time?",
        "items": [{"value": k, "text": v} for k, v in WORKING_PATTERNS.items()],
        "value": run.answers.get("working_pattern")}),
    "use-previous-choices": StepPage("school/register_ect/use_previous.html", read_use_previous, _previous_summary),
    "appropriate-body": StepPage("wizards/radios.html", read_appropriate_body, lambda run: {
        "field": "appropriate_body_id", "legend": f"Which appropriate body will support {_name(run)}'s induction?",
        "hint": "Your school can only choose the kinds of appropriate body it is allowed to use.",
        "items": radio_items([{**a, "kind_name": AB_KINDS.get(a.get("kind"), "")}
                              for a in choices(run.answers["school_id"])["appropriate_bodies"]], "kind_name"),
        "value": run.answers.get("appropriate_body_id")}),
    "training-programme": StepPage("wizards/radios.html", read_programme, lambda run: {
        "field": "training_programme", "legend": f"Which training programme will {_name(run)} follow?",
        "items": [{"value": "provider_led", "text": "Provider-led",
                   "hint": {"text": "A lead provider delivers training funded by the Department for Education."}},
                  {"value": "school_led", "text": "School-led",
                   "hint": {"text": "Your school designs and delivers the training."}}],
        "value": run.answers.get("training_programme")}),
    "lead-provider": StepPage("wizards/radios.html", read_lead_provider, lambda run: {
        "field": "lead_provider_id", "legend": f"Which lead provider will train {_name(run)}?",
        "hint": "We will tell them about this ECT so they can contact your school.",
        "items": radio_items(choices(run.answers["school_id"])["lead_providers"]),
        "value": run.answers.get("lead_provider_id")}),
}


def check_answers(run) -> dict:
    answers, teacher = run.answers, run.answers["teacher"]
    options = choices(answers["school_id"])
    names = {o["id"]: o["name"] for o in options["appropriate_bodies"] + options["lead_providers"]}
    chosen = ect_choices(answers)

    def row(label, value, step=None):
        return {"key": {"text": label}, "value": {"text": value},
                "actions": {"items": [{"href": PAGES.change_url(step), "text": "Change",
                                       "visuallyHiddenText": label.lower()}]} if step else None}

    previous_step = "use-previous-choices" if answers.get("use_previous") else None
    rows = []
    if answers.get("_ask_school") or len(schools()) > 1:
        rows.append(row("School", school_name(answers["school_id"]) or "", "which-school"))
    rows += [row("Name", _name(run)), row("Teacher reference number (TRN)", answers["trn"], "find-ect"),
             row("Date of birth", _format(answers["date_of_birth"]), "find-ect")]
    if answers.get("moving"):
        rows.append(row("Moving from", _teacher(run)["other_school"], "moving-school"))
    rows += [row("Email address", answers["email"], "email"),
             row("School start date", _format(answers["started_on"]), "start-date"),
             row("Working pattern", WORKING_PATTERNS[answers["working_pattern"]], "working-pattern"),
             row("Appropriate body", names.get(chosen["appropriate_body_id"], "Not given"),
                 previous_step or "appropriate-body"),
             row("Training programme", PROGRAMMES[chosen["training_programme"]], previous_step or "training-programme")]
    if chosen["training_programme"] == "provider_led":
        rows.append(row("Lead provider", names.get(chosen["lead_provider_id"], ""), previous_step or "lead-provider"))
    return {"heading": "Check your answers before registering this ECT", "rows": rows, "button": "Confirm details",
            "warnings": teacher.get("warnings") or []}


def _format(iso: str) -> str:
    from portal.http.formatting import format_date

    return format_date(iso)


def confirm(run, confirmation):
    try:
        ect = services().post("/registrations/ects", ect_command(run.answers))
    except ServiceError as error:
        if error.status in (409, 422):
            fields = error.field_messages() or {"trn": error.message}
            raise Errors({PAGES.change_url(FIELD_STEPS.get(k, "find-ect")): v for k, v in fields.items()}) from error
        raise
    url = url_for("school.register_ect_done")
    confirmation.done(url, ect_id=ect["id"], name=f"{ect['first_name']} {ect['last_name']}",
                      school_id=ect["school_id"])
    return redirect(url)


def refused(reason):
    run = load_run(REGISTER_ECT.name, url_for("school.register_ect_start"))
    refusal = run.answers.get("refusal") or {}
    if reason == "registered-elsewhere":
        refusal = {"name": _name(run), "other_school": _teacher(run)["other_school"]}
    elif reason not in finding.REFUSAL_PAGES.values():
        from flask import abort

        abort(404)
    return render("school/register_ect/refused.html", reason=reason, refusal=refusal, kind="ECT",
                  back_link=url_for(ENDPOINT, step="moving-school" if reason == "registered-elsewhere" else "find-ect"),
                  again_url=url_for(ENDPOINT, step="find-ect"))


def done():
    run = load_run(REGISTER_ECT.name, url_for("school.register_ect_start"), allow_done=True)
    if run.result is None:
        return redirect(url_for(ENDPOINT, step=CHECK_ANSWERS))
    return render("school/register_ect/done.html", result=run.result, email=run.answers.get("email"))


PAGES = WizardPages(REGISTER_ECT, ENDPOINT, "school.register_ect_start", STEPS, check_answers, confirm,
                    caption="Register an ECT")
