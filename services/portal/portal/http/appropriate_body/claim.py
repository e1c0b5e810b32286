"""Claim an ECT: which appropriate body (blended, with several), find the teacher (TRN and date of birth, checked by
inductions against TRS and its rules), every refusal its own page, check the details TRS holds, the induction start
date and programme, check answers, confirmation."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.domain.claiming import CLAIM_ECT, PROGRAMMES, REFUSAL_PAGES, claim_command, start_date_problem
from portal.domain.wizard import CHECK_ANSWERS
from portal.http.appropriate_body.common import bodies, body_name, in_section
from portal.http.base import current_context, render, services
from portal.http.formatting import format_date
from portal.http.school.finding import read_trn_and_date_of_birth
from portal.http.school.pages import Errors, StepPage, WizardPages, date_reader, programme_page
from portal.http.wizards import load_run, start_run

ENDPOINT = "appropriate_body.claim"
# a field inductions refuses → the step that asks it
FIELD_STEPS = {"trn": "find-ect", "date_of_birth": "find-ect", "started_on": "start-date",
               "training_programme": "training-programme", "appropriate_body_id": "which-appropriate-body"}


def register(bp) -> None:
    bp.add_url_rule("/claim-an-ect", "claim_start", in_section(start), methods=["GET", "POST"])
    bp.add_url_rule("/claim-an-ect/<step>", "claim", in_section(lambda step: PAGES.page(step)), methods=["GET", "POST"])
    bp.add_url_rule("/claim-an-ect/cannot-claim/<reason>", "claim_refused", in_section(refused))
    bp.add_url_rule("/claim-an-ect/claimed", "claim_done", in_section(done))


def start():
    if request.method == "GET":
        return render("appropriate_body/claim/start.html")
    in_view = bodies()
    answers = {"_ask_appropriate_body": len(in_view) > 1}
    if len(in_view) == 1:
        answers["appropriate_body_id"] = in_view[0].id
    context = current_context()
    run = start_run(CLAIM_ECT, context.acting_organisation_id if context.mode == "hat" else None, **answers)
    return redirect(url_for(ENDPOINT, step=CLAIM_ECT.first_unanswered(run.answers)))


def teacher_name(run) -> str:
    teacher = run.answers.get("teacher") or {}
    return f"{teacher.get('first_name', '')} {teacher.get('last_name', '')}".strip()


def find(run, form):
    trn, born = read_trn_and_date_of_birth(form)
    question = {"appropriate_body_id": run.answers["appropriate_body_id"], "trn": trn, "date_of_birth": born.isoformat()}
    try:
        teacher = services().post("/inductions/claims/check", question)
    except ServiceError as error:
        page = REFUSAL_PAGES.get(error.code)
        if page is None:
            fields = {k: v for k, v in error.field_messages().items() if k in ("trn", "date_of_birth")}
            if error.status != 422 or not fields:
                raise
            if "date_of_birth" in fields:
                fields["date_of_birth__parts"] = ["day", "month", "year"]
            raise Errors(fields) from error
        run.answers["refusal"] = {"trn": trn, "date_of_birth": born.isoformat(), "code": error.code,
                                  "message": error.message}
        return redirect(url_for("appropriate_body.claim_refused", reason=page))
    run.answers.pop("refusal", None)
    if run.answers.get("trn") != teacher["trn"]:
        run.answers.pop("reviewed", None)
    return {"trn": teacher["trn"], "date_of_birth": born.isoformat(), "teacher": teacher}


def find_values(run) -> dict:
    if not run.answers.get("trn"):
        return {"heading": "Find an ECT", "value": {}}
    return {"heading": "Find an ECT", "value": {"trn": run.answers["trn"],
                                                "date_of_birth": read.date_form_values(run.answers["date_of_birth"])}}


def body_reader(run, form):
    chosen = read.clean(form.get("appropriate_body_id"), 100)
    if chosen not in {b.id for b in bodies()}:
        raise Errors({"appropriate_body_id": "Select the appropriate body you are claiming this ECT for"})
    if chosen != run.answers.get("appropriate_body_id"):
        for key in ("trn", "date_of_birth", "teacher", "reviewed"):  # what may be claimed depends on who claims
            run.answers.pop(key, None)
    return {"appropriate_body_id": chosen}


def start_date_check(run, day: date) -> str | None:
    return start_date_problem(day, date.today(), (run.answers.get("teacher") or {}).get("qts_awarded_on"))


STEPS = {
    "which-appropriate-body": StepPage("wizards/radios.html", body_reader, lambda run: {
        "field": "appropriate_body_id", "legend": "Which appropriate body?",
        "hint": "The appropriate body that will support this ECT's induction.",
        "items": [{"value": b.id, "text": b.name} for b in bodies()], "value": run.answers.get("appropriate_body_id")}),
    "find-ect": StepPage("wizards/find_teacher.html", find, find_values),
    "review-ect": StepPage("school/register_ect/review.html", lambda run, form: {"reviewed": True}),
    "start-date": StepPage("wizards/date.html", date_reader("started_on", "Induction start date", start_date_check),
                           lambda run: {"field": "started_on",
                                        "label": f"When did {teacher_name(run)} start their induction with you?",
                                        "hint": "For example, 1 9 2026",
                                        "value": read.date_form_values(run.answers.get("started_on"))}),
    "training-programme": programme_page("Select the training programme",
                                         lambda run: f"Which training programme is {teacher_name(run)} following?",
                                         "The school designs and delivers the training."),
}


def check_answers(run) -> dict:
    answers = run.answers

    row = PAGES.answer_row

    rows = [row("Appropriate body", body_name(answers["appropriate_body_id"]), "which-appropriate-body")] \
        if answers.get("_ask_appropriate_body") else []
    rows += [row("Name", teacher_name(run)), row("Teacher reference number (TRN)", answers["trn"], "find-ect"),
             row("Date of birth", format_date(answers["date_of_birth"]), "find-ect"),
             row("Induction start date", format_date(answers["started_on"]), "start-date"),
             row("Training programme", PROGRAMMES[answers["training_programme"]], "training-programme")]
    return {"heading": "Check your answers before claiming this ECT", "rows": rows, "button": "Claim ECT"}


def confirm(run, confirmation):
    try:
        services().post("/inductions/claims", claim_command(run.answers))
    except ServiceError as error:
        if error.status in (409, 422):
            fields = error.field_messages() or {"trn": error.message}
            raise Errors({PAGES.change_url(FIELD_STEPS.get(k, "find-ect")): v for k, v in fields.items()}) from error
        raise
    url = url_for("appropriate_body.claim_done")
    confirmation.done(url, trn=run.answers["trn"], name=teacher_name(run),
                      appropriate_body=body_name(run.answers["appropriate_body_id"]))
    return redirect(url)


PAGES = WizardPages(CLAIM_ECT, ENDPOINT, "appropriate_body.claim_start", STEPS, check_answers, confirm,
                    caption="Claim an ECT")


def refused(reason: str):
    if reason not in REFUSAL_PAGES.values():
        abort(404)
    run = load_run(CLAIM_ECT.name, url_for("appropriate_body.claim_start"))
    return render("appropriate_body/claim/refused.html", reason=reason, refusal=run.answers.get("refusal") or {},
                  back_link=url_for(ENDPOINT, step="find-ect"), again_url=url_for(ENDPOINT, step="find-ect"))


def done():
    run = load_run(CLAIM_ECT.name, url_for("appropriate_body.claim_start"), allow_done=True)
    if run.result is None:
        return redirect(url_for(ENDPOINT, step=CHECK_ANSWERS))
    return render("appropriate_body/claim/done.html", result=run.result)
