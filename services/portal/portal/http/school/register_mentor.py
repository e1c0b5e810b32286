"""Register a mentor (who may mentor at several schools): find → check the details → email → start date → lead
provider (mentor training is always provider-led) → check answers → confirmation. When started from an ECT's
"assign a mentor", the new mentor is assigned to that ECT at the end."""
from __future__ import annotations

from flask import redirect, request

from portal.domain import answers as read
from portal.domain.registering import REGISTER_MENTOR, mentor_command
from portal.http.base import services
from portal.http.formatting import format_date
from portal.http.school import finding
from portal.http.school.common import choices, radio_items, school_name, schools
from portal.http.school.pages import StepPage, WizardPages, choice_reader, date_reader, email_reader
from portal.http.school.registration_pages import (Registration, name, register_routes, school_question,
                                                    school_reader, start_date_check, start_page, submit)

MENTOR = Registration("mentor", "mentor", REGISTER_MENTOR, "/registrations/mentors", {
    "school_id": "which-school", "trn": "find-mentor", "date_of_birth": "find-mentor", "email": "email",
    "started_on": "start-date", "cohort": "start-date", "lead_provider_id": "lead-provider"})


def register(bp) -> None:
    register_routes(bp, MENTOR, PAGES, start)


def start():
    for_ect = read.clean(request.args.get("for_ect"), 40)
    if request.method != "POST" or not for_ect:
        return start_page(MENTOR)
    # From an ECT's "assign a mentor": the mentor is for that ECT, at their school.
    ect = services().get(f"/registrations/ects/{for_ect}")
    return start_page(MENTOR, _for_ect={"id": ect["id"], "name": f"{ect['first_name']} {ect['last_name']}"},
                      school_id=ect["school_id"], _ask_school=False)


STEPS = {
    "which-school": StepPage("wizards/radios.html", school_reader(MENTOR), school_question(MENTOR)),
    "find-mentor": StepPage("wizards/find_teacher.html",
                            lambda run, form: finding.find(run, form, check_path="/registrations/mentors/check",
                                                           refused_endpoint="school.register_mentor_refused"),
                            lambda run: {"heading": "Find a mentor", **finding.find_values(run)}),
    "review-mentor": StepPage("school/register_ect/review.html", lambda run, form: {"reviewed": True}),
    "email": StepPage("wizards/text.html", email_reader(), lambda run: {
        "field": "email", "label": f"What is {name(run)}'s email address?", "input_type": "email",
        "autocomplete": "email", "value": run.answers.get("email"),
        "hint": "We will share this with their lead provider."}),
    "start-date": StepPage("wizards/date.html", date_reader("started_on", "Start date", start_date_check), lambda run: {
        "field": "started_on", "label": f"When did or will {name(run)} start mentoring at your school?",
        "hint": "For example, 1 9 2026", "value": read.date_form_values(run.answers.get("started_on"))}),
    "lead-provider": StepPage("wizards/radios.html", choice_reader(
        "lead_provider_id", lambda run: [p["id"] for p in choices(run.answers["school_id"])["lead_providers"]],
        "Select the lead provider"), lambda run: {
        "field": "lead_provider_id", "legend": f"Which lead provider will train {name(run)}?",
        "hint": "Mentor training is always provider-led.",
        "items": radio_items(choices(run.answers["school_id"])["lead_providers"]),
        "value": run.answers.get("lead_provider_id")}),
}


def check_answers(run) -> dict:
    answers = run.answers
    names = {o["id"]: o["name"] for o in choices(answers["school_id"])["lead_providers"]}

    row = PAGES.answer_row

    rows = []
    if len(schools()) > 1:
        rows.append(row("School", school_name(answers["school_id"]) or "",
                        "which-school" if answers.get("_ask_school") else None))
    rows += [row("Name", name(run)), row("Teacher reference number (TRN)", answers["trn"], "find-mentor"),
             row("Date of birth", format_date(answers["date_of_birth"]), "find-mentor"),
             row("Email address", answers["email"], "email"),
             row("Mentoring start date", format_date(answers["started_on"]), "start-date"),
             row("Lead provider", names.get(answers["lead_provider_id"], ""), "lead-provider")]
    if answers.get("_for_ect"):
        rows.append(row("Mentor for", answers["_for_ect"]["name"]))
    return {"heading": "Check your answers before registering this mentor", "rows": rows, "button": "Confirm details",
            "warnings": answers["teacher"].get("warnings") or []}


def confirm(run, confirmation):
    mentor = submit(MENTOR, PAGES, mentor_command(run.answers))
    assigned, for_ect = None, run.answers.get("_for_ect")
    if for_ect:
        from portal.http.school.assign_mentor import assign

        assigned = assign(for_ect["id"], mentor["id"], mentor["started_on"])
    url = MENTOR.url("done")
    confirmation.done(url, mentor_id=mentor["id"], name=f"{mentor['first_name']} {mentor['last_name']}",
                      for_ect=for_ect, assigned=assigned)
    return redirect(url)


PAGES = WizardPages(REGISTER_MENTOR, MENTOR.endpoint, "school.register_mentor_start", STEPS, check_answers, confirm,
                    caption="Register a mentor")
