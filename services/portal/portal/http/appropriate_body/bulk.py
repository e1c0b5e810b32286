"""Bulk files: claims, and outcomes (pass or release; never a fail), sent to inductions as they are. inductions tries
every row and applies nothing when any row is wrong; the page then shows every rejected row and why."""
from __future__ import annotations

from flask import Response, request, url_for

from portal.domain.answers import clean
from portal.http.appropriate_body.common import bodies, filtered_body, in_section, several_bodies
from portal.http.base import render
from portal.http.uploads import Rejected, csv_upload, send_csv

UPLOADS = {
    "claims": {"title": "claims", "path": "/inductions/claims/bulk", "noun": ("ECT claimed", "ECTs claimed"),
               "columns": ["trn", "date_of_birth", "training_programme", "started_on"]},
    "outcomes": {"title": "outcomes", "path": "/inductions/outcomes/bulk",
                 "noun": ("outcome recorded", "outcomes recorded"),
                 "columns": ["trn", "date_of_birth", "finished_on", "number_of_terms", "outcome"]},
}


def register(bp) -> None:
    bp.add_url_rule("/bulk", "bulk", in_section(index))
    bp.add_url_rule("/bulk/<any(claims, outcomes):kind>", "bulk_upload", in_section(upload), methods=["GET", "POST"])
    bp.add_url_rule("/bulk/<any(claims, outcomes):kind>/template.csv", "bulk_template", in_section(template))


def index():
    return render("appropriate_body/bulk/index.html", uploads=UPLOADS, back_link=url_for("appropriate_body.teachers"))


def template(kind):
    return Response(",".join(UPLOADS[kind]["columns"]) + "\r\n", mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={kind}-template.csv"})


def upload(kind):
    spec, several = UPLOADS[kind], several_bodies()
    body = bodies()[0] if not several else filtered_body()
    values = {"spec": spec, "kind": kind, "several": several, "back_link": url_for("appropriate_body.bulk"),
              "for_field": "appropriate_body_id", "for_legend": "Which appropriate body is this file for?",
              "for_options": bodies(), "for_chosen": body}
    if request.method == "GET":
        return render("appropriate_body/bulk/upload.html", **values)
    chosen = clean(request.form.get("appropriate_body_id"), 100) if several else body.id
    errors = {}
    values["for_chosen"] = next((b for b in bodies() if b.id == chosen), None)
    if values["for_chosen"] is None:
        errors["appropriate_body_id"] = "Select the appropriate body this file is for"
    upload_file = csv_upload(errors)
    if errors:
        return render("appropriate_body/bulk/upload.html", status=422, errors=errors, **values)
    try:
        done = send_csv(spec["path"], {"appropriate_body_id": chosen}, upload_file, **values)
    except Rejected as rejected:
        return rejected.page
    return render("appropriate_body/bulk/done.html", done=done,
                  body_name=next(b.name for b in bodies() if b.id == chosen), **values)
