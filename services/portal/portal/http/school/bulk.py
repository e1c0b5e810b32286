"""Bulk uploads: a CSV of ECTs, of mentors or of leavers, sent to registrations as it is. registrations checks
every row first and writes nothing when any row is wrong; this page then shows every rejected row and why."""
from __future__ import annotations

from flask import Response, request, url_for

from portal.adapters.gateway import ServiceError
from portal.http.base import render, section, services
from portal.http.school.common import choices, page_school, schools
from portal.domain.answers import clean

UPLOADS = {
    "ects": {"title": "ECTs", "path": "/registrations/ects/bulk", "noun": ("ECT", "ECTs"),
             "columns": ["trn", "date_of_birth", "started_on", "email", "working_pattern", "appropriate_body_id",
                         "training_programme", "lead_provider_id", "cohort", "moving_from_another_school"]},
    "mentors": {"title": "mentors", "path": "/registrations/mentors/bulk", "noun": ("mentor", "mentors"),
                "columns": ["trn", "date_of_birth", "started_on", "email", "lead_provider_id", "cohort"]},
    "leavers": {"title": "leavers", "path": "/registrations/leavers/bulk", "noun": ("leaver", "leavers"),
                "columns": ["trn", "participant_type", "finished_on", "reason"]},
}
MAX_BYTES = 2 * 1024 * 1024 - 64 * 1024  # under the gateway's 2 MB limit, with room for the form around it


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
              "back_link": url_for("school.bulk")}
    if school is not None and kind != "leavers":
        values["choices"] = choices(school.id)
    if request.method == "GET":
        return render("school/bulk/upload.html", **values)
    chosen = clean(request.form.get("school_id"), 100) if several else (school.id if school else None)
    errors = {}
    if several and chosen not in {s.id for s in schools()}:
        errors["school_id"] = "Select the school this file is for"
    upload_file = request.files.get("file")
    content = upload_file.read(MAX_BYTES + 1) if upload_file else b""
    if not upload_file or not upload_file.filename:
        errors["file"] = "Select a CSV file"
    elif not content.strip():
        errors["file"] = "The selected file is empty"
    elif len(content) > MAX_BYTES:
        errors["file"] = "The selected file must be smaller than 2MB"
    elif not upload_file.filename.lower().endswith(".csv"):
        errors["file"] = "The selected file must be a CSV"
    if errors:
        return render("school/bulk/upload.html", status=422, errors=errors, **values)
    try:
        created = services().call("POST", spec["path"], data={"school_id": chosen} if chosen else None,
                                  files={"file": (upload_file.filename, content, "text/csv")}).body
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        rows = (error.details or {}).get("rows") or []
        return render("school/bulk/rejected.html", status=422, rows=rows, message=error.message,
                      errors={"file": error.message}, **values)
    school_name = next((s.name for s in schools() if s.id == chosen), school.name if school else "")
    return render("school/bulk/done.html", created=created, school_name=school_name, **values)


