"""Working for several organisations: the chooser (hat mode), the settings page (hat or blended), and the sections
of kinds of organisation whose pages are still to come."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from portal.adapters.tokens import Tokens
from portal.domain.answers import clean
from portal.http.base import current_context, portal, refresh_context, render, safe_next, services, signed_in
from portal.http.signing_in import home_for
from portal.http.wizards import end_runs
from portal.domain.working_context import TYPE_NAMES, TYPE_SECTIONS

blueprint = Blueprint("organisations", __name__)
MODES = {"hat": "One organisation at a time", "blended": "All my organisations together"}


def replace_tokens(answer: dict) -> None:
    """accounts answered a new access token (the refresh token stays): keep it and ask again who the user is."""
    from flask import session

    api = services()
    current = api._tokens()
    tokens = Tokens.from_answer(answer, current.refresh_token)
    portal().tokens.save(session.id_hash, tokens)
    g.tokens = tokens
    refresh_context()


@blueprint.route("/organisations/choose", methods=["GET", "POST"])
@signed_in
def choose():
    context = current_context()
    if context.mode != "hat":
        return redirect("/")
    errors = {}
    if request.method == "POST":
        chosen = clean(request.form.get("organisation_id"), 100)
        if context.organisation(chosen) is None:
            errors = {"organisation_id": "Select the organisation you want to work as"}
        else:
            replace_tokens(services().post("/accounts/me/acting-organisation", {"organisation_id": chosen}))
            end_runs("organisation")  # nothing of the first organisation's answers goes with the user to the next
            context = current_context()
            flash(f"You are now working as {context.acting.name}.", "success")
            return redirect(safe_next(request.args.get("next")) if request.args.get("next") else home_for(context))
    groups = [(TYPE_NAMES[t], [o for o in context.organisations if o.type == t]) for t in TYPE_SECTIONS]
    return render("organisations/choose.html", status=422 if errors else 200, errors=errors,
                  groups=[(label, orgs) for label, orgs in groups if orgs])


@blueprint.route("/settings", methods=["GET", "POST"])
@signed_in
def settings():
    errors = {}
    if request.method == "POST":
        mode = clean(request.form.get("mode"), 20)
        if mode not in MODES:
            errors = {"mode": "Select how you want to work"}
        else:
            replace_tokens(services().post("/accounts/me/mode", {"mode": mode, "make_default": True}))
            end_runs("organisation")
            flash("Your settings have been saved.", "success")
            context = current_context()
            if context.needs_choice:
                return redirect(url_for("organisations.choose"))
            return redirect(url_for("organisations.settings"))
    return render("organisations/settings.html", status=422 if errors else 200, errors=errors, modes=MODES)


@blueprint.get('/<any("training-provider", dfe):section>')
@signed_in
def coming(section):
    organisation_type = section.replace("-", "_")
    context = current_context()
    if not context.in_view(organisation_type):
        abort(404)
    return render("sections/coming.html", label=TYPE_SECTIONS[organisation_type],
                  organisations=context.in_view(organisation_type))


@blueprint.get("/no-organisation")
@signed_in
def no_organisation():
    return render("sections/no_organisation.html")


