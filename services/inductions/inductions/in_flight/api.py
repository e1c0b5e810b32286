"""The in-flight import through the API (DfE staff): upload a legacy file, follow its progress, read its summary and
its rejected rows. The worker runs the import (inductions/in_flight/uploads.py), never the web request."""
from __future__ import annotations

import re

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import FileStorage

from ecf_shared.errors import Conflict, Forbidden, Invalid
from ecf_shared.web import fields
from ecf_shared.web.app import accepts_upload, context
from ecf_shared.web.auth import current_principal
from inductions import commands
from inductions.domain.in_flight import COLUMNS
from inductions.in_flight import uploads

blp = Blueprint("in_flight_imports", __name__,
                description="The go-live import of in-flight inductions from the legacy service's file, uploaded by "
                            "DfE staff and run by the worker")

PATH = "/admin/in-flight-imports"
PREFIX = re.compile(r"^(/[a-z][a-z-]{0,40})?$")


class CsvFile(Upload):
    """A file part of the multipart body; a part with no file chosen counts as missing."""

    default_error_messages = {"invalid": "Select a file."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage) or not value.filename:
            raise self.make_error("required")
        return value


class InFlightUploadSchema(Schema):
    file = CsvFile(required=True, error_messages={"required": "Select the legacy CSV file of in-flight inductions."},
                   metadata={"description": "The legacy service's CSV, one row per induction period, header "
                                            f"`{', '.join(COLUMNS)}`; at most IN_FLIGHT_UPLOAD_MAX_BYTES (100 MB)."})
    mapping = CsvFile(load_default=None, error_messages={"required": "Select the mapping file."}, metadata={
        "description": "Optional: CSV `legacy name,appropriate body id` (as the CLI's --mapping; at most 1 MB). "
                       "Without it the appropriate body column must hold our ids."})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "Check and report everything, write nothing (as the CLI's --dry-run)."})


class UploadedBySchema(Schema):
    user_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class ProgressSchema(Schema):
    phase = fields.String(allow_none=True, metadata={
        "description": "reading (the file, into the worker) | checking (teachers, against the rules and TRS: every "
                       "TRS call, nothing written yet) | writing (the teachers that passed, no TRS call); null while "
                       "queued"})
    bytes_read = fields.Integer()
    bytes_total = fields.Integer()
    rows_read = fields.Integer(metadata={"description": "rows read so far (all of them once checking)"})
    teachers_checked = fields.Integer()
    teachers_total = fields.Integer(allow_none=True, metadata={"description": "known once the file is read"})
    teachers_to_write = fields.Integer(allow_none=True, metadata={
        "description": "the teachers that passed every check, TRS's included; known once checking ends"})
    teachers_written = fields.Integer()


class SummarySchema(Schema):
    """The summary `python -m inductions import-in-flight --json` prints."""

    rows_read = fields.Integer()
    teachers_read = fields.Integer()
    teachers_imported = fields.Integer()
    teachers_updated = fields.Integer()
    teachers_unchanged = fields.Integer()
    periods_imported = fields.Integer()
    rejected_rows = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "rejected rows by reason code"})
    rejected_rows_total = fields.Integer()
    trs_mismatches = fields.Integer()
    trs_requests = fields.Integer()
    teachers_to_write = fields.Integer(metadata={"description": "teachers that passed every check, TRS's included"})
    dry_run = fields.Boolean()
    updated_trns = fields.List(fields.String(), metadata={"description": "teachers a corrected file updated (not "
                                                                         "in the list)"})


class ImportErrorSchema(Schema):
    code = fields.String(metadata={"description": "e.g. token_refused, trs_unavailable, unreadable_file"})
    message = fields.String()


class InFlightImportSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": " | ".join(uploads.STATUSES)})
    dry_run = fields.Boolean()
    file_name = fields.String()
    file_bytes = fields.Integer()
    mapping_file_name = fields.String(allow_none=True, metadata={"description": "null: no mapping file"})
    uploaded_by = fields.Nested(UploadedBySchema)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    attempts = fields.Integer(metadata={"description": "times a worker took it (again after a worker stopped)"})
    progress = fields.Nested(ProgressSchema)
    summary = fields.Nested(SummarySchema, allow_none=True, metadata={"description": "once finished"})
    error = fields.Nested(ImportErrorSchema, allow_none=True, metadata={"description": "once failed"})



def _require_staff() -> None:
    if not current_principal().is_staff:
        raise Forbidden("Only DfE staff can read this.")


def _location(upload_id: str) -> str:
    prefix = request.headers.get("X-Forwarded-Prefix", "")
    return f"{prefix if PREFIX.match(prefix) else ''}{PATH}/{upload_id}"


def _form() -> dict:
    try:
        return InFlightUploadSchema().load({**request.form.to_dict(), **request.files.to_dict()})
    except ValidationError as error:
        raise Invalid("Check the upload: " + "; ".join(
            f"{name}: {' '.join(map(str, messages)) if isinstance(messages, list) else messages}"
            for name, messages in error.messages.items()), fields=error.messages) from None


@blp.route(PATH, methods=["POST"])
@accepts_upload(uploads.max_body_bytes)
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": InFlightUploadSchema}}})
@blp.response(202, InFlightImportSchema, headers={"Location": {
    "description": "the import, to follow its progress", "schema": {"type": "string"}}})
def upload_in_flight_file():
    """Upload the legacy file of in-flight inductions (DfE staff admin; multipart: `file`, optional `mapping` and
    `dry_run`): it is stored and queued, and the inductions worker imports it as `python -m inductions
    import-in-flight` does, the uploader named as the author of every change. 422 (fields `file`, `mapping`,
    `dry_run`) for no file, an empty one, one over the limit or one without the legacy header row.

    The uploader's access token is forwarded to trs-sync and must last through the import's checking phase, which
    asks TRS about every teacher before anything is written (~N/500 calls inside the shared TRS rate limit: about
    100 s per 100,000 teachers); the writing phase makes no TRS call. An import whose token expires while checking
    fails with `token_refused` having written nothing, and uploading the file again carries on."""
    principal = current_principal()
    caller = commands.admin(principal)
    form = _form()
    settings = context().settings
    legacy = form["file"]
    size = uploads.size_of(legacy.stream)
    uploads.check_legacy_file(legacy.stream, size, settings.in_flight_upload_max_bytes)
    mapping = None
    if form["mapping"] is not None:
        mapping = uploads.read_mapping_upload(form["mapping"].stream, form["mapping"].filename)
    row = uploads.queue(context().db, legacy.stream, file_name=legacy.filename, size=size, dry_run=form["dry_run"],
                        mapping=mapping, mapping_file_name=form["mapping"] and form["mapping"].filename,
                        actor=caller.actor, token=principal.token)
    return uploads.view(row), {"Location": _location(row.id)}


@blp.route(PATH)
class InFlightImports(MethodView):
    @blp.response(200, InFlightImportSchema(many=True, exclude=("summary.updated_trns",)))
    @blp.paginate(page_size=20, max_page_size=100)
    def get(self, pagination_parameters):
        """The uploaded in-flight imports, newest first, a page at a time (X-Pagination header; DfE staff)."""
        _require_staff()
        rows, pagination_parameters.item_count = uploads.page(
            context().db, offset=pagination_parameters.first_item, limit=pagination_parameters.page_size)
        return [uploads.view(row, with_updated_trns=False) for row in rows]


@blp.route(f"{PATH}/<uuid:import_id>")
class InFlightImport(MethodView):
    @blp.response(200, InFlightImportSchema)
    def get(self, import_id):
        """One import: queued, running (with its progress), finished (with the CLI's summary) or failed (with why;
        what was imported before it failed stays, and uploading the file again carries on). DfE staff."""
        _require_staff()
        return uploads.view(uploads.find(context().db, str(import_id)))


@blp.route(f"{PATH}/<uuid:import_id>/rejects.csv")
class InFlightImportRejects(MethodView):
    @blp.response(200, content_type="text/csv")
    @blp.doc(responses={"200": {"description": "Line, Reason, Detail and the row's cells, as the CLI's --rejects file",
                                "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, import_id):
        """The import's rejected rows, with their line numbers and reasons (DfE staff); 409 until it has finished."""
        _require_staff()
        db = context().db
        row = uploads.find(db, str(import_id))
        if row.status != "finished":
            raise Conflict(f"The import is {row.status}; its rejected rows are ready once it has finished.",
                           code="import_not_finished")
        return Response(uploads.rejects_csv(db, row.id), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="in-flight-import-{row.id}-rejects.csv"'})
