"""Reading a bulk registration CSV into commands, one per line, keeping each line's own errors."""
from __future__ import annotations

import csv
import io

from marshmallow import ValidationError

from ecf_shared.errors import AppError, Invalid

COLUMNS = ("trn", "date_of_birth", "started_on", "email", "working_pattern", "appropriate_body_id",
           "training_programme", "lead_provider_id", "cohort")
ROW_LIMIT_GUARD = 100_000  # stop reading a runaway file; the real limit is checked (and stated) by the command


def _text(request) -> str:
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else request.get_data()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.", code="not_utf8") from None


def read_rows(request, schema_cls) -> list[tuple[int, dict | AppError]]:
    """(line number, command or its error) for each data row; the header is line 1."""
    reader = csv.DictReader(io.StringIO(_text(request)))
    try:
        return _rows(reader, schema_cls)
    except csv.Error as error:
        raise Invalid(f"The file is not a readable CSV (line {reader.line_num}: {error}).", code="bad_csv") from None


def _rows(reader: csv.DictReader, schema_cls) -> list[tuple[int, dict | AppError]]:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header and c not in ("appropriate_body_id", "lead_provider_id")]
    if missing:
        raise Invalid(f"The header row must name the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}.",
                      code="bad_header")
    reader.fieldnames = header
    schema = schema_cls()
    rows = []
    for row in reader:
        if len(rows) >= ROW_LIMIT_GUARD:
            break
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        if not any(values.values()):
            continue
        try:
            rows.append((line, schema.load({k: v for k, v in values.items() if v})))
        except ValidationError as error:
            rows.append((line, Invalid("This row has invalid values.", fields=error.messages)))
    return rows
