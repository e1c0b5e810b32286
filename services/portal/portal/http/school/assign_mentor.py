"""Assign a mentor to an ECT (or change their mentor): choose one of the school's mentors, or register a new one,
then check and confirm. The mentorship starts today, or when both are at the school if that is later."""
from __future__ import annotations

from datetime import date

from flask import redirect, url_for

from ecf_shared.dates import add_days

from portal.adapters.gateway import ServiceError
from portal.domain.answers import clean
from portal.domain.wizard import CHECK_ANSWERS, Step, Wizard
from portal.http.base import current_context, render, section, services
from portal.http.school.pages import Errors, StepPage, WizardPages
from portal.http.wizards import load_run, start_run

ASSIGN_MENTOR = Wizard("assign-mentor", (Step("mentor", ("mentor_id",)),))
ENDPOINT = "school.assign_mentor"
NEW = "new"


def register(bp) -> None:
    bp.add_url_rule("/ects/<uuid:ect_id>/assign-mentor", "assign_mentor_start", section("school")(start))
    bp.add_url_rule("/ects/<uuid:ect_id>/assign-mentor/<step>", "assign_mentor",
                    section("school")(lambda ect_id, step: PAGES.page(step)), methods=["GET", "POST"])
    bp.add_url_rule("/ects/<uuid:ect_id>/assign-mentor/assigned", "assign_mentor_done", section("school")(done))


def start(ect_id):
    ect = services().get(f"/registrations/ects/{ect_id}")
    context = current_context()
    start_run(ASSIGN_MENTOR, context.acting_organisation_id if context.mode == "hat" else None,
              _ect={"id": ect["id"], "name": f"{ect['first_name']} {ect['last_name']}", "school_id": ect["school_id"],
                    "teacher_id": ect["teacher_id"], "started_on": ect["started_on"],
                    "mentor_id": ect.get("mentor_id"), "mentorship_started_on": ect.get("mentorship_started_on")})
    return redirect(url_for(ENDPOINT, ect_id=ect["id"], step="mentor"))


def _ect(run) -> dict:
    return run.answers["_ect"]


def _mentors(run) -> list[dict]:
    ect = _ect(run)
    found = services().get("/registrations/mentors", school_id=ect["school_id"], status="current", page_size=1000,
                           sort="name")
    return [m for m in found if m["teacher_id"] != ect["teacher_id"]]


def read_mentor(run, form):
    chosen = clean(form.get("mentor_id"), 100)
    if chosen == NEW:
        return redirect(url_for("school.register_mentor_start", for_ect=_ect(run)["id"]))
    mentors = {m["id"]: m for m in _mentors(run)}
    if chosen not in mentors:
        raise Errors({"mentor_id": f"Select a mentor for {_ect(run)['name']}"})
    mentor = mentors[chosen]
    return {"mentor_id": chosen, "_mentor": {"name": f"{mentor['first_name']} {mentor['last_name']}",
                                             "started_on": mentor["started_on"]}}


def _mentor_values(run) -> dict:
    items = [{"value": m["id"], "text": f"{m['first_name']} {m['last_name']}",
              "hint": {"text": f"Mentoring {len(m.get('mentees') or [])} ECT{'s' if len(m.get('mentees') or []) != 1 else ''}"}}
             for m in _mentors(run) if m["id"] != _ect(run).get("mentor_id")]
    if items:
        items.append({"divider": "or"})
    items.append({"value": NEW, "text": "Register a new mentor"})
    return {"field": "mentor_id", "legend": f"Who will mentor {_ect(run)['name']}?", "items": items,
            "value": run.answers.get("mentor_id")}


def mentorship_start(*dates: str, after: str | None = None) -> str:
    """Today, or once both are at the school; and after the day the current mentorship began (a mentorship lasts a
    day at least, so a second change on one day takes effect the next)."""
    earliest = [date.today(), *(date.fromisoformat(d) for d in dates if d)]
    if after:
        earliest.append(add_days(date.fromisoformat(after), 1))
    return max(earliest).isoformat()


def assign(ect_id: str, mentor_id: str, mentor_started_on: str, ect_started_on: str | None = None,
           after: str | None = None) -> dict:
    return services().post(f"/registrations/ects/{ect_id}/mentorship", {
        "mentor_id": mentor_id, "started_on": mentorship_start(mentor_started_on, ect_started_on, after=after)})


def check_answers(run) -> dict:
    ect, mentor = _ect(run), run.answers["_mentor"]
    rows = [{"key": {"text": "ECT"}, "value": {"text": ect["name"]}},
            {"key": {"text": "Mentor"}, "value": {"text": mentor["name"]},
             "actions": {"items": [{"href": PAGES.change_url("mentor"), "text": "Change", "visuallyHiddenText": "mentor"}]}},
            {"key": {"text": "Mentoring starts"},
             "value": {"text": _format(mentorship_start(mentor["started_on"], ect["started_on"],
                                                        after=ect.get("mentorship_started_on")))}}]
    return {"heading": f"Check the mentor for {ect['name']}", "rows": rows, "button": "Assign mentor"}


def _format(iso):
    from portal.http.formatting import format_date

    return format_date(iso)


def confirm(run, confirmation):
    ect = _ect(run)
    try:
        assign(ect["id"], run.answers["mentor_id"], run.answers["_mentor"]["started_on"], ect["started_on"],
               after=ect.get("mentorship_started_on"))
    except ServiceError as error:
        if error.status in (409, 422):
            raise Errors({PAGES.change_url("mentor"): error.message}) from error
        raise
    url = url_for("school.assign_mentor_done", ect_id=ect["id"])
    confirmation.done(url, ect=ect, mentor=run.answers["_mentor"])
    return redirect(url)


def done(ect_id):
    run = load_run(ASSIGN_MENTOR.name, url_for("school.assign_mentor_start", ect_id=ect_id), allow_done=True)
    if run.result is None:
        return redirect(url_for(ENDPOINT, ect_id=ect_id, step=CHECK_ANSWERS))
    return render("school/assign_mentor_done.html", result=run.result)


def _url_values() -> dict:
    from flask import request

    return {"ect_id": request.view_args["ect_id"]}


PAGES = WizardPages(ASSIGN_MENTOR, ENDPOINT, "school.assign_mentor_start",
                    {"mentor": StepPage("wizards/radios.html", read_mentor, _mentor_values)}, check_answers, confirm,
                    url_values=_url_values, caption="Assign a mentor")
