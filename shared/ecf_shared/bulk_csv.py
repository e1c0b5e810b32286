"""Bulk CSV files (every service that takes them): reading one into commands, one per line, keeping each line's own
errors; then checking every line before anything is written (all or nothing), errors reported by line, field and message."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from collections.abc import Callable

from marshmallow import ValidationError

from ecf_shared.errors import AppError, Invalid

ROW_LIMIT = 1000
ROW_LIMIT_GUARD = 100_000  # stop reading a runaway file; ROW_LIMIT is checked (and stated) once it is read


@dataclass(frozen=True)
class FileFormat:
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()


def _text(request) -> str:
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else request.get_data()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.", code="not_utf8") from None


def read_rows(request, schema_cls, file_format: FileFormat) -> list[tuple[int, dict | AppError]]:
    """(line number, command or its error) for each data row; the header is line 1."""
    reader = csv.DictReader(io.StringIO(_text(request)))
    try:
        return _rows(reader, schema_cls, file_format)
    except csv.Error as error:
        raise Invalid(f"The file is not a readable CSV (line {reader.line_num}: {error}).", code="bad_csv") from None


def _rows(reader: csv.DictReader, schema_cls, file_format: FileFormat) -> list[tuple[int, dict | AppError]]:
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in file_format.columns if c not in header and c not in file_format.optional]
    if missing:
        raise Invalid(f"The header row must name the columns {', '.join(file_format.columns)} (optional: "
                      f"{', '.join(file_format.optional)}); missing: {', '.join(missing)}.", code="bad_header")
    reader.fieldnames = header
    schema = schema_cls()
    rows = []
    for row in reader:
        if len(rows) >= ROW_LIMIT_GUARD:
            break
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k in file_format.columns}
        if not any(values.values()):
            continue
        try:
            rows.append((line, schema.load({k: v for k, v in values.items() if v})))
        except ValidationError as error:
            rows.append((line, Invalid("This row has invalid values.", fields=error.messages)))
    return rows


def check_every_row(rows: list[tuple[int, dict | AppError]], check: Callable[[dict], object], *,
                    key: Callable[[dict], object], key_field: str, nothing_done: str,
                    checked_key: Callable[[object], object] | None = None) -> list:
    """`check` each row's command; the checked rows, or (if any row has errors) Invalid listing every row's errors
    as {line, code, message, fields}. A row whose `key` (or, once checked, `checked_key`: e.g. the TRN TRS resolved a
    merged one to) repeats an earlier row's is an error. TRS being down stops the whole file (503): nothing is
    written and it can be uploaded again."""
    if not rows:
        raise Invalid("The file has no rows.", code="empty_file")
    if len(rows) > ROW_LIMIT:
        raise Invalid(f"A file may have at most {ROW_LIMIT:,} rows; this one has {len(rows):,}. Split it and try again.",
                      code="too_many_rows")
    checked, errors, first_line_of = [], [], {}
    for line, cmd in rows:
        try:
            if isinstance(cmd, AppError):
                raise cmd
            if key(cmd) in first_line_of:
                raise Invalid(f"This row repeats line {first_line_of[key(cmd)]}.", code="duplicate_row",
                              fields={key_field: ["Duplicate in this file."]})
            first_line_of[key(cmd)] = line
            result = check(cmd)
            if checked_key is not None:
                resolved = ("checked", checked_key(result))
                if resolved in first_line_of:
                    raise Invalid(f"This row is the same teacher as line {first_line_of[resolved]} (TRS has merged "
                                  "their records).", code="duplicate_row", fields={key_field: ["Duplicate in this file."]})
                first_line_of[resolved] = line
            checked.append(result)
        except AppError as error:
            if error.status == 503:
                raise
            errors.append({"line": line, "code": error.code, "message": error.message, "fields": error.fields})
    if errors:
        raise Invalid(f"{len(errors)} of {len(rows)} rows have errors; {nothing_done}. Correct them and upload the "
                      "file again.", code="rows_invalid", details={"rows": errors})
    return checked
