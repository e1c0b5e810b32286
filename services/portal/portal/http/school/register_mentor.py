"""Register a mentor (who may mentor at several schools): find → check the details → email → start date → lead
provider (mentor training is always provider-led) → check answers → confirmation. When started from an ECT's
"assign a mentor", the new mentor is assigned to that ECT at the end."""
from __future__ import annotations

from flask import abort, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.domain.registering import REGISTER_MENTOR, mentor_command
from portal.domain.wizard import CHECK_ANSWERS
from portal.http.base import current_context, render, section, services
from portal.http.school import finding
from portal.http.school.common import choices, radio_items, school_name, schools
from portal.http.school.pages import Errors, StepPage, WizardPages
from portal.http.school.register_ect import _format, _name, read_email, read_start_date
from portal.http.wizards import load_run, start_run

ENDPOINT = "school.register_mentor"
FIELD_STEPS = {"school_id": "which-school", "trn": "find-mentor", "date_of_birth": "find-mentor", "email": "email",
               "started_on": "start-date", "cohort": "start-date", "lead_provider_id": "lead-provider"}


def register(bp) -> None:
    bp.add_url_rule("/register-mentor", "register_mentor_start", section("school")(start), methods=["GET", "POST"])
    bp.add_url_rule("/register-mentor/<step>", "register_mentor", section("school")(lambda step: PAGES.page(step)),
                    methods=["GET", "POST"])
    bp.add_url_rule("/register-mentor/cannot-register/<reason>", "register_mentor_refused", section("school")(refused))
    bp.add_url_rule("/register-mentor/registered", "register_mentor_done", section("school")(done))


def start():
    if request.method == "POST":
        in_view = schools()
        answers = {"_ask_school": len(in_view) > 1}
        for_ect = read.clean(request.args.get("for_ect"), 40)
        if for_ect:  # from an ECT's page: the mentor is for that ECT, at their school
            ect = services().get(f"/registrations/ects/{for_ect}")
            answers.update({"_for_ect": {"id": ect["id"], "name": f"{ect['first_name']} {ect['last_name']}"},
                            "school_id": ect["school_id"], "_ask_school": False})
        elif len(in_view) == 1:
            answers["school_id"] = in_view[0].id
        context = current_context()
        run = start_run(REGISTER_MENTOR, context.acting_organisation_id if context.mode == "hat" else None, **answers)
        return redirect(url_for(ENDPOINT, step=REGISTER_MENTOR.first_unanswered(run.answers)))
    return render("school/register_mentor/start.html", for_ect=request.args.get("for_ect"))


def read_school(run, form):
    chosen = read.clean(form.get("school_id"), 100)
    if chosen not in {s.id for s in schools()}:
        raise Errors({"school_id": "Select the school you are registering the mentor for"})
    return {"school_id": chosen}


def read_lead_provider(run, form):
    allowed = [p["id"] for p in choices(run.answers["school_id"])["lead_providers"]]
    value, message = read.required_choice(form.get("lead_provider_id"), allowed, "Select the lead provider")
    if message:
        raise Errors({"lead_provider_id": message})
    return {"lead_provider_id": value}


STEPS = {
    "which-school": StepPage("wizards/radios.html", read_school, lambda run: {
        "field": "school_id", "legend": "Which school are you registering the mentor for?",
        "items": [{"value": s.id, "text": s.name} for s in schools()], "value": run.answers.get("school_id")}),
    "find-mentor": StepPage("wizards/find_teacher.html",
                            lambda run, form: finding.find(run, form, check_path="/registrations/mentors/check",
                                                           refused_endpoint="school.register_mentor_refused"),
                            lambda run: {"heading": "Find a mentor", **finding.find_values(run)}),
    "review-mentor": StepPage("school/register_ect/review.html", lambda run, form: {"reviewed": True}),
    "email": StepPage("wizards/text.html", read_email, lambda run: {
        "field": "email", "label": f"What is {_name(run)}'s email address?", "input_type": "email",
        "autocomplete": "email", "value": run.answers.get("email"),
        "hint": "We will share this with their lead provider."}),
    "start-date": StepPage("wizards/date.html", read_start_date, lambda run: {
        "field": "started_on", "label": f"When did or will {_name(run)} start mentoring at your school?",
        "hint": "For example, 1 9 2026", "value": read.date_form_values(run.answers.get("started_on"))}),
    "lead-provider": StepPage("wizards/radios.html", read_lead_provider, lambda run: {
        "field": "lead_provider_id", "legend": f"Which lead provider will train {_name(run)}?",
        "hint": "Mentor training is always provider-led.",
        "items": radio_items(choices(run.answers["school_id"])["lead_providers"]),
        "value": run.answers.get("lead_provider_id")}),
}


def check_answers(run) -> dict:
    answers = run.answers
    names = {o["id"]: o["name"] for o in choices(answers["school_id"])["lead_providers"]}

    def row(label, value, step=None):
        return {"key": {"text": label}, "value": {"text": value},
                "actions": {"items": [{"href": PAGES.change_url(step), "text": "Change",
                                       "visuallyHiddenText": label.lower()}]} if step else None}

    rows = []
    if answers.get("_ask_school") or len(schools()) > 1:
        rows.append(row("School", school_name(answers["school_id"]) or "",
                        "which-school" if answers.get("_ask_school") else None))
    rows += [row("Name", _name(run)), row("Teacher reference number (TRN)", answers["trn"], "find-mentor"),
             row("Date of birth", _format(answers["date_of_birth"]), "find-mentor"),
             row("Email address", answers["email"], "email"),
             row("Mentoring start date", _format(answers["started_on"]), "start-date"),
             row("Lead provider", names.get(answers["lead_provider_id"], ""), "lead-provider")]
    if answers.get("_for_ect"):
        rows.append(row("Mentor for", answers["_for_ect"]["name"]))
    return {"heading": "Check your answers before registering this mentor", "rows": rows, "button": "Confirm details",
            "warnings": answers["teacher"].get("warnings") or []}


def confirm(run, confirmation):
    api = services()
    try:
        mentor = api.post("/registrations/mentors", mentor_command(run.answers))
    except ServiceError as error:
        if error.status in (409, 422):
            fields = error.field_messages() or {"trn": error.message}
            raise Errors({PAGES.change_url(FIELD_STEPS.get(k, "find-mentor")): v for k, v in fields.items()}) from error
        raise
    assigned = None
    for_ect = run.answers.get("_for_ect")
    if for_ect:
        from portal.http.school.assign_mentor import assign

        assigned = assign(for_ect["id"], mentor["id"], mentor["started_on"])
    url = url_for("school.register_mentor_done")
    confirmation.done(url, mentor_id=mentor["id"], name=f"{mentor['first_name']} {mentor['last_name']}",
                      for_ect=for_ect, assigned=assigned)
    return redirect(url)


def refused(reason):
    run = load_run(REGISTER_MENTOR.name, url_for("school.register_mentor_start"))
    if reason not in finding.REFUSAL_PAGES.values():
        abort(404)
    return render("school/register_ect/refused.html", reason=reason, refusal=run.answers.get("refusal") or {},
                  kind="mentor", back_link=url_for(ENDPOINT, step="find-mentor"),
                  again_url=url_for(ENDPOINT, step="find-mentor"))


def done():
    run = load_run(REGISTER_MENTOR.name, url_for("school.register_mentor_start"), allow_done=True)
    if run.result is None:
        return redirect(url_for(ENDPOINT, step=CHECK_ANSWERS))
    return render("school/register_mentor/done.html", result=run.result)


PAGES = WizardPages(REGISTER_MENTOR, ENDPOINT, "school.register_mentor_start", STEPS, check_answers, confirm,
                    caption="Register a mentor")
