"""Signing in and out. "Sign in" goes through accounts to DfE Sign-in and back (the browser carries only a one-time
code; the portal exchanges it for the tokens server to server). The local run's personas page signs in as a demo
persona in one click; it does not exist when persona sign-in is off."""
from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from flask import Blueprint, abort, g, redirect, request, session, url_for

from portal.adapters.gateway import ServiceError
from portal.adapters.tokens import Tokens
from portal.domain.answers import clean
from portal.http.base import portal, refresh_context, render, safe_next, services, signed_in, working_context
from portal.http.wizards import end_runs

blueprint = Blueprint("signing_in", __name__)


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@blueprint.get("/")
def start():
    context = working_context()
    if context is None:
        return render("signing_in/start.html", personas=portal().settings.persona_signin_enabled,
                      next=safe_next(request.args.get("next")))
    if context.needs_choice:
        return redirect(url_for("organisations.choose"))
    return redirect(home_for(context))


def home_for(context) -> str:
    if context.is_staff and context.staff_acting is None:
        return url_for("admin.home")
    if context.in_view("school"):
        return url_for("school.ects")
    if context.in_view("appropriate_body"):
        return url_for("appropriate_body.teachers")
    for provider in ("delivery_partner", "lead_provider"):
        if context.in_view(provider):
            return url_for(f"{provider}.schools")
    for organisation_type, _ in context.sections:
        return url_for("organisations.coming", section=organisation_type.replace("_", "-"))
    return url_for("organisations.no_organisation")


@blueprint.get("/sign-in")
def sign_in():
    """Off to accounts (and DfE Sign-in) with a new state and PKCE verifier kept in this session."""
    settings = portal().settings
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    session["oidc"] = {"state": state, "verifier": verifier, "next": safe_next(request.args.get("next"))}
    query = urlencode({"client_id": settings.signin_client_id, "redirect_uri": settings.redirect_uri, "state": state,
                       "code_challenge": _challenge(verifier), "code_challenge_method": "S256"})
    return redirect(f"{settings.public_url.rstrip('/')}/accounts/sign-in?{query}")


@blueprint.get("/sign-in/callback")
def callback():
    pending = session.pop("oidc", None)
    state = request.args.get("state")
    if pending is None or not state or not secrets.compare_digest(state, pending["state"]):
        return render("signing_in/failed.html", status=400,
                      message="This sign-in was not started in this browser, or it was already used.")
    if request.args.get("error"):
        return render("signing_in/failed.html", status=403, code=clean(request.args["error"], 100),
                      message=clean(request.args.get("error_description"), 500))
    settings = portal().settings
    try:
        answer = portal().gateway.call("POST", "/accounts/sign-in/token", json_body={
            "grant_type": "authorization_code", "code": clean(request.args.get("code"), 500),
            "redirect_uri": settings.redirect_uri, "code_verifier": pending["verifier"],
            "client_id": settings.signin_client_id, "client_secret": settings.signin_client_secret})
    except ServiceError as error:
        return render("signing_in/failed.html", status=400, message=error.message)
    return begin(answer.body, pending.get("next"))


def begin(tokens: dict, next_url: str | None = None):
    """A new session (a new id: no fixation) holding the tokens server-side."""
    session.clear()
    session.regenerate()
    session["signed_in"] = True
    app_portal = portal()
    from flask import current_app

    current_app.session_interface.persist(session)
    stored = Tokens.from_answer(tokens)
    app_portal.tokens.save(session.id_hash, stored)
    g.tokens = stored
    context = refresh_context()
    app_portal.tokens.save(session.id_hash, stored, user_id=context.user_id)
    if context.needs_choice:
        return redirect(url_for("organisations.choose", next=safe_next(next_url)))
    target = safe_next(next_url)
    return redirect(target if target != "/" else home_for(context))


@blueprint.route("/personas", methods=["GET", "POST"])
def personas():
    settings = portal().settings
    if not settings.persona_signin_enabled:
        abort(404)
    found = portal().gateway.call("GET", "/accounts/sign-in/personas").body
    if request.method == "POST":
        email = clean(request.form.get("email"), 320)
        if email not in {p["email"] for p in found}:
            return render("signing_in/personas.html", status=422, personas=found,
                          errors={f"persona-{found[0]['email'] if found else 'none'}": "Choose a persona"},
                          notify_emails_url=settings.notify_emails_url)
        tokens = portal().gateway.call("POST", "/accounts/sign-in/persona", json_body={"email": email}).body
        return begin(tokens, request.args.get("next"))
    return render("signing_in/personas.html", personas=found, notify_emails_url=settings.notify_emails_url)


@blueprint.post("/sign-out")
@signed_in
def sign_out():
    try:
        services().call("POST", "/accounts/sign-out")
    except Exception:  # noqa: BLE001 - the session here ends whatever accounts answers
        pass
    id_hash = session.id_hash
    if id_hash:
        portal().tokens.forget(id_hash)
    end_runs()
    session.clear()
    return redirect(url_for("signing_in.signed_out"))


@blueprint.get("/signed-out")
def signed_out():
    return render("signing_in/signed_out.html")
