"""Scenario settings (local and test runs only, like the designers' internal settings page): accounts' demo
scenarios listed, one loaded (a fresh set of organisations and personas, e.g. a user with access to 5 providers),
then signed in as one of its personas in one click. Where accounts has scenarios off the pages do not exist (its
404 becomes the portal's); signing in as a persona needs persona sign-in, as the personas page does."""
from __future__ import annotations

from flask import abort, redirect, request, session, url_for

from portal.domain import answers as read
from portal.http.admin.common import staff_only
from portal.http.base import portal, render, services
from portal.http.signing_in import begin


def register(bp) -> None:
    bp.add_url_rule("/scenarios", "scenarios", staff_only(listing), methods=["GET", "POST"])
    bp.add_url_rule("/scenarios/loaded", "scenario_loaded", staff_only(loaded))
    bp.add_url_rule("/scenarios/sign-in", "scenario_sign_in", staff_only(sign_in), methods=["POST"])


def listing():
    found = services().get("/accounts/scenarios")  # 404 when scenarios are off: the page is not found
    if request.method == "GET":
        return render("admin/scenarios.html", scenarios=found)
    name = read.clean(request.form.get("name"), 100)
    if name not in {s["name"] for s in found}:
        return render("admin/scenarios.html", status=422, scenarios=found,
                      errors={f"load-{found[0]['name']}" if found else "scenarios": "Choose a scenario to load"})
    result = services().post("/accounts/scenarios", {"name": name})
    session["scenario"] = result  # what the next page shows, and whose personas may be signed in as from it
    return redirect(url_for("admin.scenario_loaded"))


def loaded():
    services().get("/accounts/scenarios")  # still enabled here (404 otherwise)
    result = session.get("scenario")
    if not result:
        return redirect(url_for("admin.scenarios"))
    return render("admin/scenario_loaded.html", result=result, personas=portal().settings.persona_signin_enabled)


def sign_in():
    """Sign in as one of the loaded scenario's personas: this staff session ends and theirs begins."""
    if not portal().settings.persona_signin_enabled:
        abort(404)
    result = session.get("scenario") or {}
    email = read.clean(request.form.get("email"), 320)
    if email not in {p["email"] for p in result.get("personas", [])}:
        abort(404)  # only a persona of the scenario loaded in this session
    tokens = portal().gateway.call("POST", "/accounts/sign-in/persona", json_body={"email": email}).body
    try:
        services().call("POST", "/accounts/sign-out")  # the staff member's own session ends with this one
    except Exception:  # noqa: BLE001 - signing in as the persona goes ahead whatever accounts answers
        pass
    if session.id_hash:
        portal().tokens.forget(session.id_hash)
    return begin(tokens)
