"""The school's users: who they are and their roles, invitations (send, resend, cancel), changing a role and
removing someone. accounts refuses what a role does not allow, and never lets a school lose its last approver."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain.wizard import CHECK_ANSWERS, Step, Wizard
from portal.domain.working_context import ROLE_NAMES
from portal.http.base import current_context, render, section, services
from portal.http.school.common import may, page_school, schools
from portal.http.school.pages import Errors, StepPage, WizardPages, choice_reader, email_reader
from portal.http.wizards import load_run, start_run

INVITE = Wizard("invite-user", (Step("email", ("email",)), Step("role", ("role",))))
ROLES = {"end_user": "User", "approver": "Approver"}
ROLE_HINTS = {"end_user": "Can register and change ECTs and mentors, and the school's contacts.",
              "approver": "Can also invite and remove users and change their roles."}


def register(bp) -> None:
    bp.add_url_rule("/users", "users", section("school")(users))
    bp.add_url_rule("/users/invite", "invite_start", section("school")(invite_start), methods=["GET", "POST"])
    bp.add_url_rule("/users/invite/<step>", "invite", section("school")(lambda step: INVITE_PAGES.page(step)),
                    methods=["GET", "POST"])
    bp.add_url_rule("/users/invite/sent", "invite_done", section("school")(invite_done))
    bp.add_url_rule("/users/<uuid:user_id>/role", "change_role", section("school")(change_role), methods=["GET", "POST"])
    bp.add_url_rule("/users/<uuid:user_id>/remove", "remove_user", section("school")(remove_user),
                    methods=["GET", "POST"])
    bp.add_url_rule("/users/invitations/<uuid:invitation_id>/resend", "resend_invitation",
                    section("school")(resend_invitation), methods=["POST"])
    bp.add_url_rule("/users/invitations/<uuid:invitation_id>/cancel", "cancel_invitation",
                    section("school")(cancel_invitation), methods=["GET", "POST"])


def _school_or_chooser(endpoint: str):
    school = page_school()
    if school is None:
        return None, render("school/which_school.html", schools=schools(), endpoint=endpoint,
                            heading="Which school's users do you want to see?" if endpoint == "school.users"
                            else "Which school's contacts do you want to see?")
    return school, None


def _list_url(school) -> str:
    return url_for("school.users", school=school.id if len(schools()) > 1 else None)


def users():
    school, chooser = _school_or_chooser("school.users")
    if chooser:
        return chooser
    api = services()
    members = api.get(f"/accounts/organisations/{school.id}/members")
    invitations = api.get(f"/accounts/organisations/{school.id}/invitations")
    return render("school/users.html", school=school, members=members, invitations=invitations,
                  can_manage=may("manage_users", school.id), roles=ROLE_NAMES, me=current_context().user_id,
                  several=len(schools()) > 1)


def _member(school, user_id) -> dict:
    from flask import abort

    member = next((m for m in services().get(f"/accounts/organisations/{school.id}/members")
                   if m["user_id"] == str(user_id)), None)
    if member is None:
        abort(404)
    return member


def change_role(user_id):
    school, chooser = _school_or_chooser("school.users")
    if chooser:
        return chooser
    member, errors = _member(school, user_id), {}
    if request.method == "POST":
        role = request.form.get("role")
        if role not in ROLES:
            errors = {"role": "Select a role"}
        else:
            try:
                services().patch(f"/accounts/organisations/{school.id}/members/{user_id}", {"role": role})
            except ServiceError as error:
                if error.status != 409:
                    raise
                errors = {"role": error.message}
            else:
                flash(f"{member['name'] or member['email']} is now {'an approver' if role == 'approver' else 'a user'}.",
                      "success")
                return redirect(_list_url(school))
    return render("school/change_role.html", status=422 if errors else 200, errors=errors, member=member,
                  school=school, roles=ROLES, hints=ROLE_HINTS, back_link=_list_url(school))


def remove_user(user_id):
    school, chooser = _school_or_chooser("school.users")
    if chooser:
        return chooser
    member, errors = _member(school, user_id), {}
    if request.method == "POST":
        try:
            services().delete(f"/accounts/organisations/{school.id}/members/{user_id}")
        except ServiceError as error:
            if error.status != 409:
                raise
            errors = {"remove": "You cannot remove the only approver at your school. Make someone else an approver "
                                "first." if error.code == "last_approver" else error.message}
        else:
            flash(f"{member['name'] or member['email']} has been removed from {school.name}.", "success")
            return redirect(_list_url(school))
    return render("school/remove_user.html", status=409 if errors else 200, errors=errors, member=member,
                  school=school, back_link=_list_url(school))


def resend_invitation(invitation_id):
    school, chooser = _school_or_chooser("school.users")
    if chooser:
        return chooser
    sent = services().post(f"/accounts/organisations/{school.id}/invitations/{invitation_id}/resend")
    flash(f"We have sent the invitation to {sent['email']} again. The link in the earlier email no longer works.",
          "success")
    return redirect(_list_url(school))


def cancel_invitation(invitation_id):
    school, chooser = _school_or_chooser("school.users")
    if chooser:
        return chooser
    invitation = next((i for i in services().get(f"/accounts/organisations/{school.id}/invitations")
                       if i["invitation_id"] == str(invitation_id)), None)
    if invitation is None:
        from flask import abort

        abort(404)
    if request.method == "POST":
        services().delete(f"/accounts/organisations/{school.id}/invitations/{invitation_id}")
        flash(f"The invitation to {invitation['email']} has been cancelled.", "success")
        return redirect(_list_url(school))
    return render("school/cancel_invitation.html", invitation=invitation, school=school, back_link=_list_url(school))


# --- inviting someone: email → role → check answers → sent -------------------------------------------------------

def invite_start():
    school, chooser = _school_or_chooser("school.invite_start")
    if chooser:
        return chooser
    if not may("manage_users", school.id):  # accounts' answer about this user (it refuses the invitation anyway)
        return render("errors/forbidden.html", status=403,
                      message="Only approvers can invite users. Ask an approver at your school.")
    context = current_context()
    start_run(INVITE, context.acting_organisation_id if context.mode == "hat" else None, _school={
        "id": school.id, "name": school.name})
    return redirect(url_for("school.invite", step="email"))


def _invite_check(run) -> dict:
    row = INVITE_PAGES.answer_row

    return {"heading": "Check the invitation before sending it",
            "rows": [{"key": {"text": "School"}, "value": {"text": run.answers["_school"]["name"]}},
                     row("Email address", run.answers["email"], "email"),
                     row("Role", ROLES[run.answers["role"]], "role")],
            "button": "Send invitation",
            "declaration": "We will email them a link to join. The link works once and expires after 7 days."}


def _invite_confirm(run, confirmation):
    school = run.answers["_school"]
    try:
        services().post(f"/accounts/organisations/{school['id']}/invitations",
                        {"email": run.answers["email"], "role": run.answers["role"]})
    except ServiceError as error:
        if error.status in (409, 422):
            raise Errors({INVITE_PAGES.change_url("email"): error.message}) from error
        raise
    url = url_for("school.invite_done")
    confirmation.done(url, email=run.answers["email"], school=school)
    return redirect(url)


def invite_done():
    run = load_run(INVITE.name, url_for("school.invite_start"), allow_done=True)
    if run.result is None:
        return redirect(url_for("school.invite", step=CHECK_ANSWERS))
    return render("school/invite_done.html", result=run.result)


INVITE_PAGES = WizardPages(INVITE, "school.invite", "school.invite_start", {
    "email": StepPage("wizards/text.html", email_reader(), lambda run: {
        "field": "email", "label": "What is their email address?", "input_type": "email", "autocomplete": "email",
        "hint": "We will send the invitation to this address.", "value": run.answers.get("email")}),
    "role": StepPage("wizards/radios.html", choice_reader("role", lambda run: ROLES, "Select a role for this user"),
                     lambda run: {
        "field": "role", "legend": "What can they do?",
        "items": [{"value": k, "text": v, "hint": {"text": ROLE_HINTS[k]}} for k, v in ROLES.items()],
        "value": run.answers.get("role")}),
}, _invite_check, _invite_confirm, caption="Invite a user")
