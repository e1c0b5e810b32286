"""The school's contacts for lead providers: one or several induction tutors (who need not use this service), or
only a contact email; and, beside them, exactly what lead providers receive (accounts applies lp-api's rule)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.http.base import render, section, services
from portal.http.school.common import page_school, schools


def register(bp) -> None:
    bp.add_url_rule("/contacts", "contacts", section("school")(contacts), methods=["GET"])
    bp.add_url_rule("/contacts/induction-tutors", "nominate_tutor", section("school")(nominate_tutor),
                    methods=["GET", "POST"])
    bp.add_url_rule("/contacts/induction-tutors/<uuid:tutor_id>/remove", "remove_tutor",
                    section("school")(remove_tutor), methods=["POST"])
    bp.add_url_rule("/contacts/email", "contact_email", section("school")(contact_email), methods=["GET", "POST"])


def _school():
    school = page_school()
    if school is None:
        return None, render("school/which_school.html", schools=schools(), endpoint=request.endpoint,
                            heading="Which school's contacts do you want to see?")
    return school, None


def _back(school) -> str:
    return url_for("school.contacts", school=school.id if len(schools()) > 1 else None)


def contacts():
    school, chooser = _school()
    if chooser:
        return chooser
    found = services().get(f"/accounts/organisations/{school.id}/contacts")
    return render("school/contacts.html", school=school, contacts=found, several=len(schools()) > 1,
                  q={"school": school.id} if len(schools()) > 1 else {})


def nominate_tutor():
    school, chooser = _school()
    if chooser:
        return chooser
    errors, form = {}, request.form
    if request.method == "POST":
        name = read.clean(form.get("name"), 300)
        email, message = read.email(form.get("email"), "induction tutor's email address")
        if not name:
            errors["name"] = "Enter the induction tutor's full name"
        if message:
            errors["email"] = message
        if not errors:
            try:
                services().post(f"/accounts/organisations/{school.id}/contacts/induction-tutors",
                                {"name": name, "email": email})
            except ServiceError as error:
                if error.status not in (409, 422):
                    raise
                errors = {"email": error.message} if error.status == 409 else (
                    error.field_messages() or {"name": error.message})
            else:
                flash(f"{name} is now an induction tutor at {school.name}.", "success")
                return redirect(_back(school))
    return render("school/nominate_tutor.html", status=422 if errors else 200, errors=errors, form=form,
                  school=school, back_link=_back(school))


def remove_tutor(tutor_id):
    school, chooser = _school()
    if chooser:
        return chooser
    services().delete(f"/accounts/organisations/{school.id}/contacts/induction-tutors/{tutor_id}")
    flash("The induction tutor has been removed.", "success")
    return redirect(_back(school))


def contact_email():
    school, chooser = _school()
    if chooser:
        return chooser
    found = services().get(f"/accounts/organisations/{school.id}/contacts")
    errors, form = {}, request.form
    if request.method == "POST":
        if form.get("use_gias") == "yes":
            services().patch(f"/accounts/organisations/{school.id}/contacts", {"contact_email": None})
            flash("Lead providers will use the school's email address from Get information about schools.", "success")
            return redirect(_back(school))
        email, message = read.email(form.get("contact_email"), "contact email address")
        if message:
            errors["contact_email"] = message
        else:
            services().patch(f"/accounts/organisations/{school.id}/contacts", {"contact_email": email})
            flash(f"The contact email address is now {email}.", "success")
            return redirect(_back(school))
    return render("school/contact_email.html", status=422 if errors else 200, errors=errors, form=form, school=school,
                  contacts=found, back_link=_back(school))
