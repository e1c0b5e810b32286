"""A CSV file uploaded to be sent to a service's bulk endpoint as it is: the checks a person gets a clear message for
before anything is sent (none chosen, empty, too large for the gateway, not a CSV)."""
from __future__ import annotations

from flask import request

from portal.adapters.gateway import ServiceError
from portal.http.base import render, services

MAX_BYTES = 2 * 1024 * 1024 - 64 * 1024  # under the gateway's 2 MB limit, with room for the form around it


def csv_upload(errors: dict) -> tuple[str, bytes] | None:
    """The file's name and content; None (with `errors["file"]` set) when it cannot be sent."""
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
    return None if "file" in errors else (upload_file.filename, content)


def send_csv(path: str, fields: dict | None, upload: tuple[str, bytes], **page_values):
    """Send the file to a bulk endpoint: what it made, or the page listing every rejected row (nothing was saved)."""
    try:
        return services().call("POST", path, data=fields, files={"file": (*upload, "text/csv")}).body
    except ServiceError as error:
        if error.status not in (409, 422):
            raise
        raise Rejected(render("bulk/rejected.html", status=422, rows=(error.details or {}).get("rows") or [],
                              message=error.message, errors={"file": error.message}, **page_values)) from error


class Rejected(Exception):
    def __init__(self, page):
        self.page = page
