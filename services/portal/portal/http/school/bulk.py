"""Bulk uploads: a CSV of ECTs, of mentors or of leavers, sent to registrations as it is. registrations checks
every row first and writes nothing when any row is wrong; this page then shows every rejected row and why."""
from __future__ import annotations

from flask import Response, request, url_for

from portal.http.base import render, section
from portal.http.school.common import choices, page_school, schools
from portal.domain.answers import clean
from portal.http.uploads import Rejected, csv_upload, send_csv

UPLOADS = {
    "ects": {"title": "ECTs", "path": "/registrations/ects/bulk", "noun": ("ECT", "ECTs"),
             "columns": ["trn", "date_of_birth", "started_on", "email", "working_pattern", "appropriate_body_id",
                         "training_programme", "lead_provider_id", "cohort", "moving_from_another_school"]},
    "mentors": {"title": "mentors", "path": "/registrations/mentors/bulk", "noun": ("mentor", "mentors"),
                "columns": ["trn", "date_of_birth", "started_on", "email", "lead_provider_id", "cohort"]},
    "leavers": {"title": "leavers", "path": "/registrations/leavers/bulk", "noun": ("leaver", "leavers"),
                "columns": ["trn", "participant_type", "finished_on", "reason"]},
}


def register(bp) -> None:
    bp.add_url_rule("/bulk", "bulk", section("school")(index))
    bp.add_url_rule("/bulk/<any(ects, mentors, leavers):kind>", "bulk_upload", section("school")(upload),
                    methods=["GET", "POST"])
    bp.add_url_rule("/bulk/<any(ects, mentors, leavers):kind>/template.csv", "bulk_template",
                    section("school")(template))


def index():
    return render("school/bulk/index.html", uploads=UPLOADS)


def template(kind):
    return Response(",".join(UPLOADS[kind]["columns"]) + "\r\n", mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={kind}-template.csv"})


def upload(kind):
    spec = UPLOADS[kind]
    several = len(schools()) > 1
    school = page_school()
    values = {"spec": spec, "kind": kind, "several": several, "schools": schools(), "school": school,
              "back_link": url_for("school.bulk"), "for_field": "school_id",
              "for_legend": "Which school is this file for?", "for_options": schools(), "for_chosen": school}
    if school is not None and kind != "leavers":
        values["choices"] = choices(school.id)
    if request.method == "GET":
        return render("school/bulk/upload.html", **values)
    chosen = clean(request.form.get("school_id"), 100) if several else (school.id if school else None)
    errors = {}
    if several and chosen not in {s.id for s in schools()}:
        errors["school_id"] = "Select the school this file is for"
    upload = csv_upload(errors)
    if errors:
        return render("school/bulk/upload.html", status=422, errors=errors, **values)
    try:
        created = send_csv(spec["path"], {"school_id": chosen} if chosen else None, upload, **values)
    except Rejected as rejected:
        return rejected.page
    school_name = next((s.name for s in schools() if s.id == chosen), school.name if school else "")
    return render("school/bulk/done.html", created=created, school_name=school_name, **values)


