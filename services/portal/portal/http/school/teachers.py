"""A page per ECT and per mentor: their details as the services hold them, with "Change" links."""
from __future__ import annotations

from portal.http.base import render, section, services


def register(bp) -> None:
    bp.add_url_rule("/ects/<uuid:ect_id>", "ect", section("school")(ect_page))
    bp.add_url_rule("/mentors/<uuid:mentor_id>", "mentor", section("school")(mentor_page))


def ect_page(ect_id):
    api = services()
    ect = api.get(f"/registrations/ects/{ect_id}")
    inductions = api.get("/inductions/schools/ects", school_id=ect["school_id"], trn=ect["trn"])
    induction = next((i for i in inductions if i["ect_period_id"] == ect["id"]), inductions[0] if inductions else None)
    return render("school/ect.html", ect=ect, induction=induction)


def mentor_page(mentor_id):
    mentor = services().get(f"/registrations/mentors/{mentor_id}")
    return render("school/mentor.html", mentor=mentor)
