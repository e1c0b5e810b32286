"""Wizard runs in the server-side session: one run per wizard, its answers, and the guards.

Every form of a run carries the run's id, so a form from an older run (another tab started the wizard again, or
the session ended) is not applied to the newer one: it gets a clear "start again" page instead. In hat mode a run
belongs to the organisation it was started for: changing organisation ends every run."""
from __future__ import annotations

from flask import redirect, request, session, url_for

from portal.domain.wizard import CHECK_ANSWERS, Run, Wizard
from portal.http.base import current_context, portal


class LostWizard(Exception):
    def __init__(self, start_url: str, reason: str):
        self.start_url = start_url
        self.reason = reason  # expired | replaced | organisation | done


def start_run(wizard: Wizard, organisation_id: str | None, **answers) -> Run:
    run = Run(wizard=wizard.name, organisation_id=organisation_id, answers=dict(answers))
    save_run(run)
    session.pop("wizards_ended", None)
    return run


def save_run(run: Run) -> None:
    runs = dict(session.get("wizards") or {})
    runs[run.wizard] = run.to_dict()
    session["wizards"] = runs


def end_runs(reason: str | None = None) -> None:
    """Forget every run (the user changed organisation or way of working, or signed out)."""
    session.pop("wizards", None)
    if reason:
        session["wizards_ended"] = reason


def load_run(name: str, start_url: str, *, allow_done: bool = False) -> Run:
    data = (session.get("wizards") or {}).get(name)
    if data is None:
        raise LostWizard(start_url, session.get("wizards_ended") or "expired")
    run = Run.from_dict(data)
    posted = request.form.get("run_id") if request.method == "POST" else None
    if request.method == "POST" and posted != run.run_id:
        raise LostWizard(start_url, "replaced")
    context = current_context()
    if context.mode == "hat" and run.organisation_id and run.organisation_id != context.acting_organisation_id:
        raise LostWizard(start_url, "organisation")
    if run.result is not None and not allow_done:
        raise LostWizard(start_url, "done")
    return run


def guard(wizard: Wizard, run: Run, step: str, endpoint: str, **url_values):
    """A redirect to the first step not answered yet when someone jumps ahead; None when the step may be shown."""
    if wizard.may_visit(step, run.answers):
        return None
    return redirect(url_for(endpoint, step=wizard.first_unanswered(run.answers), **url_values))


def next_url(wizard: Wizard, run: Run, endpoint: str, **url_values) -> str:
    return url_for(endpoint, step=wizard.first_unanswered(run.answers), **url_values)


def back_url(wizard: Wizard, run: Run, step: str, endpoint: str, first: str, **url_values) -> str:
    if request.args.get("change") and step != CHECK_ANSWERS:
        return url_for(endpoint, step=CHECK_ANSWERS, **url_values)
    previous = wizard.previous(step, run.answers)
    return url_for(endpoint, step=previous, **url_values) if previous else first


class Confirmation:
    """The final step's one-time token: taken by the first POST that presents it, across every replica."""

    def __init__(self, run: Run):
        self.run = run
        self.token = request.form.get("confirm_token", "")

    def take(self):
        """None when this request may act; otherwise where to send a replay (what the first one made)."""
        store = portal().form_tokens
        if not self.token or self.token != self.run.confirm_token:
            raise LostWizard(request.path, "replaced")
        if store.take(self.token, session.id_hash or ""):
            return None
        return redirect(store.result(self.token) or request.path)

    def release(self) -> None:
        portal().form_tokens.release(self.token)

    def done(self, result_url: str, **result) -> None:
        portal().form_tokens.done(self.token, result_url)
        self.run.result = result
        save_run(self.run)
