"""What registering an ECT and registering a mentor share: the routes, starting a run for the right school, the
school question, confirming (the service's refusals shown on check answers), the refusal pages, the confirmation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from collections.abc import Callable

from flask import abort, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.domain.wizard import CHECK_ANSWERS, Wizard
from portal.http.base import current_context, render, section, services
from portal.http.school import finding
from portal.http.school.common import schools
from portal.http.school.pages import Errors, WizardPages
from portal.http.wizards import load_run, start_run


@dataclass(frozen=True)
class Registration:
    kind: str  # ect | mentor: the URL is /register-<kind>, the endpoints school.register_<kind>[_start|_refused|_done]
    noun: str  # as people read it: "ECT", "mentor"
    wizard: Wizard
    path: str  # registrations' endpoint
    field_steps: dict[str, str]  # a field registrations refuses → the step that asks it
    school_answers: Callable[[str], dict] = lambda school_id: {"school_id": school_id}

    @property
    def endpoint(self) -> str:
        return f"school.register_{self.kind}"

    def url(self, suffix: str, **values) -> str:
        return url_for(f"{self.endpoint}_{suffix}", **values)


def name(run) -> str:
    teacher = run.answers.get("teacher") or {}
    return f"{teacher.get('first_name', '')} {teacher.get('last_name', '')}".strip()


def register_routes(bp, registration: Registration, pages: WizardPages, start) -> None:
    prefix, endpoint = f"/register-{registration.kind}", f"register_{registration.kind}"
    bp.add_url_rule(prefix, f"{endpoint}_start", section("school")(start), methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/<step>", endpoint, section("school")(lambda step: pages.page(step)),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/cannot-register/<reason>", f"{endpoint}_refused",
                    section("school")(lambda reason: refused(registration, reason)))
    bp.add_url_rule(f"{prefix}/registered", f"{endpoint}_done", section("school")(lambda: done(registration)))


def begin(registration: Registration, **answers):
    """A new run: the school asked first when the user has several (blended), else known already."""
    in_view = schools()
    answers.setdefault("_ask_school", len(in_view) > 1)
    if len(in_view) == 1 and "school_id" not in answers:
        answers.update(registration.school_answers(in_view[0].id))
    context = current_context()
    run = start_run(registration.wizard, context.acting_organisation_id if context.mode == "hat" else None, **answers)
    return redirect(url_for(registration.endpoint, step=registration.wizard.first_unanswered(run.answers)))


def school_reader(registration: Registration):
    def reader(run, form):
        chosen = read.clean(form.get("school_id"), 100)
        if chosen not in {s.id for s in schools()}:
            raise Errors({"school_id": f"Select the school you are registering the {registration.noun} for"})
        if chosen == run.answers.get("school_id"):
            return {}
        return registration.school_answers(chosen)
    return reader


def school_question(registration: Registration):
    return lambda run: {"field": "school_id", "legend": f"Which school are you registering the {registration.noun} for?",
                        "items": [{"value": s.id, "text": s.name} for s in schools()],
                        "value": run.answers.get("school_id")}


def start_date_check(run, day: date) -> str | None:
    if day.year < 2021:
        return "Start date must be on or after 1 January 2021"
    if (day - date.today()).days > 366:
        return "Start date must be within the next 12 months"
    return None


def submit(registration: Registration, pages: WizardPages, command: dict) -> dict:
    """Register; a refusal goes back to check answers, linked to the question to change."""
    try:
        return services().post(registration.path, command)
    except ServiceError as error:
        if error.status in (409, 422):
            fields = error.field_messages() or {"trn": error.message}
            raise Errors({pages.change_url(registration.field_steps.get(k, registration.field_steps["trn"])): v
                          for k, v in fields.items()}) from error
        raise


def refused(registration: Registration, reason: str, **refusal):
    run = load_run(registration.wizard.name, registration.url("start"))
    find_step = registration.field_steps["trn"]
    if reason == "registered-elsewhere" and registration.kind == "ect":
        elsewhere = (run.answers.get("teacher") or {}).get("registered_elsewhere") or {}
        refusal = {"name": name(run), "other_school": elsewhere.get("school_name") or "another school"}
        back = url_for(registration.endpoint, step="moving-school")
    elif reason in finding.REFUSAL_PAGES.values():
        refusal = run.answers.get("refusal") or {}
        back = url_for(registration.endpoint, step=find_step)
    else:
        abort(404)
    return render("school/register_ect/refused.html", reason=reason, refusal=refusal, kind=registration.noun,
                  back_link=back, again_url=url_for(registration.endpoint, step=find_step))


def done(registration: Registration):
    run = load_run(registration.wizard.name, registration.url("start"), allow_done=True)
    if run.result is None:
        return redirect(url_for(registration.endpoint, step=CHECK_ANSWERS))
    return render(f"school/register_{registration.kind}/done.html", result=run.result, email=run.answers.get("email"))


def start_page(registration: Registration, **answers):
    if request.method == "POST":
        return begin(registration, **answers)
    return render(f"school/register_{registration.kind}/start.html", for_ect=request.args.get("for_ect"))
