"""A wizard's pages: each step a GET and a POST of one page, then check answers with a one-time confirm token.

A step is (template, values for the page, read the form): reading answers either the answers it sets, or the
errors to show (a dict of field id → message), or a redirect (a refusal page). The driver does the rest the
same way for every wizard: guards, the run id on every form, the next step, back links, "Change" links that
return to check answers."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from portal.domain.wizard import CHECK_ANSWERS, Run, Wizard
from portal.http.base import render
from portal.http.wizards import Confirmation, back_url, guard, load_run, next_url, save_run


@dataclass(frozen=True)
class StepPage:
    template: str
    read: Callable[[Run, dict], dict | Response]  # answers, or a redirect; raise Errors for the page's errors
    values: Callable[[Run], dict] = lambda run: {}


class Errors(Exception):
    def __init__(self, errors: dict, **values):
        self.errors = errors
        self.values = values


@dataclass(frozen=True)
class WizardPages:
    wizard: Wizard
    endpoint: str  # of the step route, which takes `step`
    start_endpoint: str
    steps: dict[str, StepPage]
    check_answers: Callable[[Run], dict]  # the check-answers page's values
    confirm: Callable[[Run, Confirmation], Response]
    url_values: Callable[[], dict] = lambda: {}
    caption: str = ""

    def start_url(self) -> str:
        return url_for(self.start_endpoint, **self.url_values())

    def run(self, allow_done: bool = False) -> Run:
        return load_run(self.wizard.name, self.start_url(), allow_done=allow_done)

    def page(self, step: str):
        values = self.url_values()
        if step == CHECK_ANSWERS:
            return self._check_answers(values)
        page = self.steps.get(step)
        if page is None:
            abort(404)
        run = self.run()
        jumped = guard(self.wizard, run, step, self.endpoint, **values)
        if jumped is not None:
            return jumped
        common = {"run": run, "step": step, "caption": self.caption, "change": bool(request.args.get("change")),
                  "back_link": back_url(self.wizard, run, step, self.endpoint, self.start_url(), **values)}
        if request.method == "POST":
            try:
                answered = page.read(run, request.form)
            except Errors as refused:
                return render(page.template, status=422, errors=refused.errors, form=request.form,
                              **{**page.values(run), **refused.values, **common})
            if isinstance(answered, Response):
                save_run(run)
                return answered
            run.answers.update(answered)
            run.answers = self.wizard.without_stale(run.answers)
            save_run(run)
            return redirect(next_url(self.wizard, run, self.endpoint, **values))
        return render(page.template, form={}, **{**page.values(run), **common})

    def _check_answers(self, values: dict):
        run = self.run(allow_done=request.method == "POST")
        jumped = guard(self.wizard, run, CHECK_ANSWERS, self.endpoint, **values)
        if jumped is not None:
            return jumped
        back = back_url(self.wizard, run, CHECK_ANSWERS, self.endpoint, self.start_url(), **values)
        if request.method == "POST":
            confirmation = Confirmation(run)
            replayed = confirmation.take()
            if replayed is not None:
                return replayed
            try:
                return self.confirm(run, confirmation)
            except Errors as refused:
                confirmation.release()
                return render("wizards/check_answers.html", status=422, errors=refused.errors, run=run,
                              back_link=back, caption=self.caption, **self.check_answers(run))
            except Exception:
                confirmation.release()
                raise
        if run.confirm_token is None:
            run.new_confirm_token()
            save_run(run)
        return render("wizards/check_answers.html", run=run, back_link=back, caption=self.caption,
                      **self.check_answers(run))

    def change_url(self, step: str) -> str:
        return url_for(self.endpoint, step=step, change=1, **self.url_values())

    def answer_row(self, label: str, value: str, step: str | None = None) -> dict:
        """A check-answers row; with the step that asks it, a "Change" link that comes back to check answers."""
        return {"key": {"text": label}, "value": {"text": value},
                "actions": {"items": [{"href": self.change_url(step), "text": "Change",
                                       "visuallyHiddenText": label.lower()}]} if step else None}


# --- readers of the common kinds of question --------------------------------------------------------------------

def choice_reader(field: str, options: Callable[[Run], list[str] | dict], message: str, *, same: str | None = None):
    """One of the options (radios or a select); `same` refuses the run's current value (a change must change it)."""
    from portal.domain import answers as read

    def reader(run, form):
        value, error = read.required_choice(form.get(field), options(run), message)
        if error is None and same is not None and value == (run.answers.get("_record") or {}).get(field):
            error = same
        if error:
            raise Errors({field: error})
        return {field: value}
    return reader


def email_reader(field: str = "email", what: str = "email address", *, differs_from: Callable[[Run], str] | None = None):
    from portal.domain import answers as read

    def reader(run, form):
        value, message = read.email(form.get(field), what)
        if message is None and differs_from and value.lower() == (differs_from(run) or "").lower():
            message = f"Enter an {what} that is different from the current one"
        if message:
            raise Errors({field: message})
        return {field: value}
    return reader


def date_reader(field: str, label: str, check: Callable[[Run, object], str | None] = lambda run, day: None):
    """A GOV.UK date input; `check` answers a message when the (real) date is not allowed."""
    from portal.domain import answers as read

    def reader(run, form):
        day, message, wrong = read.date_parts(form, field, label)
        if message is None:
            message = check(run, day)
            wrong = ["day", "month", "year"]
        if message:
            raise Errors({field: message, f"{field}__parts": wrong})
        return {field: day.isoformat()}
    return reader


def programme_page(message: str, legend: Callable[[Run], str], school_led_hint: str) -> StepPage:
    """Provider-led or school-led training (registering an ECT, an appropriate body claiming one)."""
    from portal.domain.registering import PROGRAMMES

    return StepPage("wizards/radios.html", choice_reader("training_programme", lambda run: PROGRAMMES, message),
                    lambda run: {
                        "field": "training_programme", "legend": legend(run),
                        "items": [{"value": "provider_led", "text": "Provider-led", "hint": {
                            "text": "A lead provider delivers training funded by the Department for Education."}},
                                  {"value": "school_led", "text": "School-led", "hint": {"text": school_led_hint}}],
                        "value": run.answers.get("training_programme")})
