"""Schools and other organisations in the admin console: find one (a school by URN or name; others by name or
UKPRN), its page (for a school, its ECTs and mentors), and acting for it with a reason. accounts records the reason
and puts it in every token while the staff member acts; every service then records what they do as the staff
member acting for that organisation, and every page says so with a way to stop."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from portal.domain import answers as read
from portal.domain.working_context import TYPE_NAMES
from portal.http.admin.common import organisation, staff_only, type_name
from portal.http.base import current_context, render, services
from portal.http.organisations import replace_tokens
from portal.http.signing_in import home_for
from portal.http.wizards import end_runs

TYPES = {"school": "Schools", "appropriate_body": "Appropriate bodies", "lead_provider": "Lead providers",
         "delivery_partner": "Delivery partners", "training_provider": "Training providers"}
PEOPLE_SHOWN = 25


def register(bp) -> None:
    bp.add_url_rule("/organisations", "organisations", staff_only(search))
    bp.add_url_rule("/organisations/<uuid:organisation_id>", "organisation", staff_only(page))
    bp.add_url_rule("/organisations/<uuid:organisation_id>/act", "act", staff_only(act), methods=["POST"])
    bp.add_url_rule("/acting/end", "stop_acting", staff_only(stop_acting, while_acting=True), methods=["POST"])


def search():
    query = read.clean(request.args.get("q"), 300)
    kind = request.args.get("type") if request.args.get("type") in TYPES else "school"
    errors = {}
    if len(query) > 200:
        errors["q"] = "Search for a URN, UKPRN or name of 200 characters or fewer"
    found = None
    if query and not errors:
        found = services().get("/accounts/organisations", q=query, type=kind)
    return render("admin/organisations.html", status=422 if errors else 200, errors=errors, query=query, kind=kind,
                  types=TYPES, found=found, type_name=type_name)


def page(organisation_id, errors: dict | None = None, status: int = 200):
    found = organisation(str(organisation_id))
    if found is None:
        return render("errors/not_found.html", status=404)
    people = {}
    if found["type"] == "school":
        for kind, path in (("ects", "/registrations/ects"), ("mentors", "/registrations/mentors")):
            answer = services().call("GET", path, params={"school_id": found["id"], "page_size": PEOPLE_SHOWN,
                                                          "sort": "name", "status": "current"})
            people[kind] = {"rows": answer.body, "total": (answer.pagination or {}).get("total", len(answer.body))}
    return render("admin/organisation.html", status=status, errors=errors or {}, organisation=found, people=people,
                  type_name=type_name, form=request.form)


def act(organisation_id):
    found = organisation(str(organisation_id))
    if found is None:
        return render("errors/not_found.html", status=404)
    reason = read.clean(request.form.get("reason"), 2000)
    if not reason:
        message = f"Enter why you are acting for {found['name']}"
    elif len(reason) < 5:
        message = "Reason must be 5 characters or more"
    elif len(reason) > 1000:
        message = "Reason must be 1000 characters or fewer"
    else:
        message = None
    if message:
        return page(organisation_id, errors={"reason": message}, status=422)
    replace_tokens(services().post("/accounts/staff/acting", {"organisation_id": found["id"], "reason": reason}))
    end_runs("organisation")  # nothing begun as themselves goes on as the organisation
    context = current_context()
    flash(f"You are now acting for {found['name']} ({TYPE_NAMES.get(found['type'], found['type'])}).", "success")
    return redirect(home_for(context))


def stop_acting():
    context = current_context()
    acting = context.staff_acting
    if acting is None:
        return redirect(url_for("admin.home"))
    replace_tokens(services().post("/accounts/staff/acting/end"))
    end_runs("organisation")
    flash(f"You have stopped acting for {acting.name}.", "success")
    return redirect(url_for("admin.home"))
