"""Accepting an invitation from its email link: see which organisation it is for, give a name when there is no
account yet, accept, then sign in. The token is the link's only secret: it is never logged by the portal."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain.answers import clean
from portal.http.base import portal, render

blueprint = Blueprint("invitations", __name__)


def _token(token: str) -> str:
    token = clean(token, 200)
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return ""
    return token


@blueprint.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token):
    token = _token(token)
    gateway = portal().gateway
    try:
        invitation = gateway.call("GET", f"/accounts/invitations/{token}").body if token else None
    except ServiceError as error:
        if error.status != 404:
            raise
        invitation = None
    if invitation is None:
        return render("invitations/invalid.html", status=404)
    if invitation["state"] != "pending":
        return render("invitations/finished.html", status=410, invitation=invitation)
    errors, form = {}, request.form
    if request.method == "POST":
        names = {"first_name": clean(form.get("first_name"), 200), "last_name": clean(form.get("last_name"), 200)}
        if not invitation.get("account_exists"):
            errors = {k: m for k, m in (("first_name", "Enter your first name"), ("last_name", "Enter your last name"))
                      if not names[k]}
        if not errors:
            try:
                gateway.call("POST", f"/accounts/invitations/{token}/accept",
                             json_body={k: v for k, v in names.items() if v})
            except ServiceError as error:
                if error.status == 422:
                    errors = error.field_messages() or {"first_name": error.message}
                elif error.status in (404, 410):
                    return render("invitations/finished.html", status=410, invitation={**invitation, "state": "used"})
                else:
                    raise
            else:
                return redirect(url_for("invitations.accepted", organisation=invitation["organisation_name"]))
    return render("invitations/accept.html", status=422 if errors else 200, errors=errors, form=form,
                  invitation=invitation)


@blueprint.get("/invitations/accepted")
def accepted():
    return render("invitations/accepted.html", organisation=clean(request.args.get("organisation"), 300))
