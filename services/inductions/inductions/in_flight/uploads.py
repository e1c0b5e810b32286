"""The in-flight import through an upload: a DfE staff admin's file is checked, stored in PostgreSQL (1 MB chunks) and
queued; the worker runs the same import as the CLI on it, recording its progress, then its summary and rejected rows.

Taking an import: a worker polls (and is woken by each upload's NOTIFY) for queued or running imports with
`SELECT ... FOR UPDATE SKIP LOCKED`, and takes the first whose session-level advisory lock it gets, on a connection it
keeps until the import ends. Two workers never run one import at once (the second finds the lock held); a running
import whose worker died has lost its lock with its connection, so the next poll takes it again (an attempt counted;
after MAX_ATTEMPTS it fails). The import itself is idempotent, so a second attempt counts the teachers the first one
wrote as unchanged. A worker asked to stop puts its import back in the queue between two batches.

TRS is read through trs-sync with the uploader's access token, as every inter-service call forwards its caller's
(kept with the queued import, erased when it ends), or with the worker's own IMPORT_ACCESS_TOKEN(_FILE) when the
deployment gives it one. The import asks TRS everything first (its checking phase) and writes afterwards with no TRS
call, so the token must last through the checking phase only: ~N/500 trs-sync calls, about 100 s per 100,000
teachers (bench/import_in_flight.py; TRS's 1,000 requests a minute alone would allow 12 s). An import still checking
when the token expires fails with `token_refused` having written nothing, and uploading the file again carries on.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import psycopg
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import SQLAlchemyError

from ecf_shared import correlation
from ecf_shared.db import Database, keep_running, work_on_notify
from ecf_shared.errors import Invalid, NotFound
from ecf_shared.events.envelope import Actor
from ecf_shared.logging import get_logger
from inductions.adapters import in_flight_upload_chunks as chunks
from inductions.adapters import in_flight_upload_rejects as rejects
from inductions.adapters import in_flight_uploads as uploads
from inductions.clock import Clock
from inductions.domain.in_flight import COLUMNS
from inductions.in_flight import legacy_file
from inductions.in_flight.cli import configured_token
from inductions.in_flight.importer import InFlightImport, Summary
from inductions.in_flight.trs import TokenRefused, TrsFinder, TrsUnavailable
from inductions.settings import MB, InductionsSettings

log = get_logger(__name__)

CHUNK_BYTES = MB
HEAD_BYTES = 64 * 1024  # what the upload reads of the file to check it: the header and the first row
MAPPING_MAX_BYTES = MB
REJECTS_BATCH = 5000
MAX_ATTEMPTS = 3
STATUSES = ("queued", "running", "finished", "failed")
LOCK_PREFIX = "inductions:in-flight-upload:"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def wake_up_channel(schema: str) -> str:
    return f"in_flight_uploads_{schema}"


def max_body_bytes(settings: InductionsSettings) -> int:
    """The upload's HTTP limit: the file's, the mapping file's and the form's overhead."""
    return settings.in_flight_upload_max_bytes + MAPPING_MAX_BYTES + MB


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n / 1024:g} KB" if n >= 1024 else f"{n} bytes"


def _invalid(field: str, message: str, code: str = "invalid_input") -> Invalid:
    return Invalid(message, code=code, fields={field: [message]})


def _clean(name: str | None, default: str) -> str:
    name = _UNSTORABLE.sub("", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:255] or default


# --- the upload ------------------------------------------------------------------------------------------------------

def size_of(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_legacy_file(stream: BinaryIO, size: int, max_bytes: int) -> None:
    """422 (field `file`) unless the file is not empty, not too large, and starts with the legacy header and a row.
    Only its first 64 KB are read here; every row is checked by the import."""
    if size == 0:
        raise _invalid("file", "The selected file is empty.", "empty_file")
    if size > max_bytes:
        raise _invalid("file", f"The selected file must be smaller than {_size(max_bytes)}.", "file_too_large")
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if size > len(head):  # the rest follows: check the whole lines only
        head = head[:head.rfind(b"\n") + 1]
    read = legacy_file.rows(io.BytesIO(head))
    try:
        first = next(read, None)
    except ValueError:
        raise _invalid("file", "The selected file must be a CSV file with the header row: " + ", ".join(COLUMNS) + ".",
                       "bad_header") from None
    except csv.Error as error:
        raise _invalid("file", f"The selected file is not a readable CSV file ({error}).", "bad_csv") from None
    finally:
        read.close()
    if first is None and size <= HEAD_BYTES:
        raise _invalid("file", "The selected file has no rows after the header row.", "empty_file")


def read_mapping_upload(stream: BinaryIO, file_name: str) -> dict[str, str]:
    """The uploaded mapping file, read as the CLI reads --mapping; 422 (field `mapping`) when it cannot be used."""
    raw = stream.read(MAPPING_MAX_BYTES + 1)
    if len(raw) > MAPPING_MAX_BYTES:
        raise _invalid("mapping", f"The mapping file must be smaller than {_size(MAPPING_MAX_BYTES)}.",
                       "file_too_large")
    if not raw.strip():
        raise _invalid("mapping", "The selected mapping file is empty.", "empty_file")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid("mapping", "The mapping file must be UTF-8 text: save it as CSV UTF-8.", "not_utf8") from None
    if _UNSTORABLE.search(content):
        raise _invalid("mapping", "The mapping file must not contain NUL characters.", "bad_csv")
    try:
        return legacy_file.read_mapping(io.StringIO(content, newline=""), file_name)
    except legacy_file.MappingError as error:
        raise _invalid("mapping", f"The mapping file: {error}.", "bad_mapping") from None
    except csv.Error as error:
        raise _invalid("mapping", f"The mapping file is not a readable CSV file ({error}).", "bad_csv") from None


def queue(db: Database, stream: BinaryIO, *, file_name: str, size: int, dry_run: bool, mapping: dict | None,
          mapping_file_name: str | None, actor: Actor, token: str | None) -> Row:
    """Store the file (a chunk at a time) and queue its import, in one transaction; wakes a worker on commit."""
    upload_id = str(uuid.uuid4())
    with db.engine.begin() as conn:
        conn.execute(insert(uploads).values(
            id=upload_id, status="queued", dry_run=dry_run, file_name=_clean(file_name, "upload.csv"),
            file_bytes=size, chunks=0, mapping=mapping,
            mapping_file_name=_clean(mapping_file_name, "mapping.csv") if mapping is not None else None,
            uploaded_by=actor.to_dict(), access_token=token, correlation_id=correlation.current()))
        seq = 0
        stream.seek(0)
        while chunk := stream.read(CHUNK_BYTES):
            conn.execute(insert(chunks).values(upload_id=upload_id, seq=seq, data=chunk))
            seq += 1
        row = conn.execute(update(uploads).where(uploads.c.id == upload_id).values(chunks=seq)
                           .returning(*uploads.c)).one()
        conn.execute(text("select pg_notify(:channel, '')"), {"channel": wake_up_channel(db.schema)})
    log.info("in_flight_upload_queued", upload_id=upload_id, file_bytes=size, dry_run=dry_run,
             uploaded_by=actor.email)
    return row


# --- reading them back -----------------------------------------------------------------------------------------------

def find(db: Database, upload_id: str) -> Row:
    with db.engine.connect() as conn:
        row = conn.execute(select(uploads).where(uploads.c.id == upload_id)).one_or_none()
    if row is None:
        raise NotFound("There is no in-flight import with this id.")
    return row


def page(db: Database, *, offset: int, limit: int) -> tuple[list[Row], int]:
    """Newest first; past the last page, none (an offset past PostgreSQL's bigint never reaches it)."""
    with db.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(uploads))
        if offset >= total:
            return [], total
        return conn.execute(select(uploads).order_by(uploads.c.created_at.desc(), uploads.c.id.desc())
                            .offset(offset).limit(limit)).all(), total


def view(row: Row, *, with_updated_trns: bool = True) -> dict:
    summary = row.summary
    if summary is not None and not with_updated_trns:
        summary = {k: v for k, v in summary.items() if k != "updated_trns"}
    by = row.uploaded_by or {}
    return {
        "id": row.id, "status": row.status, "dry_run": row.dry_run, "file_name": row.file_name,
        "file_bytes": row.file_bytes, "mapping_file_name": row.mapping_file_name,
        "uploaded_by": {"user_id": by.get("user_id"), "email": by.get("email"), "name": by.get("name")},
        "created_at": row.created_at, "started_at": row.started_at, "finished_at": row.finished_at,
        "attempts": row.attempts,
        "progress": {"phase": row.phase, "bytes_read": row.bytes_read, "bytes_total": row.file_bytes,
                     "rows_read": row.rows_read, "teachers_checked": row.teachers_checked,
                     "teachers_total": row.teachers_total, "teachers_to_write": row.teachers_to_write,
                     "teachers_written": row.teachers_written},
        "summary": summary,
        "error": None if row.error_code is None else {"code": row.error_code, "message": row.error_message},
    }


def rejects_csv(db: Database, upload_id: str) -> Iterator[str]:
    """The rejected rows as the CLI's --rejects file has them, a few thousand rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(legacy_file.REJECTS_HEADER)
    last = -1
    while True:
        with db.engine.connect() as conn:
            batch = conn.execute(select(rejects.c.position, rejects.c.line, rejects.c.reason, rejects.c.detail,
                                        rejects.c.cells)
                                 .where(rejects.c.upload_id == upload_id, rejects.c.position > last)
                                 .order_by(rejects.c.position).limit(REJECTS_BATCH)).all()
        for r in batch:
            writer.writerow([r.line, r.reason, r.detail, *r.cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(batch) < REJECTS_BATCH:
            return
        last = batch[-1].position


# --- the worker ------------------------------------------------------------------------------------------------------

class Stopped(Exception):
    """The worker is stopping: the import goes back in the queue."""


@dataclass
class Claim:
    row: Row
    connection: Connection  # holds the import's advisory lock until released

    def release(self) -> None:
        try:
            self.connection.execute(text("select pg_advisory_unlock(hashtextextended(:key, 0))"),
                                    {"key": LOCK_PREFIX + self.row.id})
            self.connection.commit()
        except Exception:  # noqa: BLE001 - a broken connection: closing it for good ends its lock
            self.connection.invalidate()
        finally:
            self.connection.close()


class Progress:
    """Writes the import's progress as it goes (at most every `every` seconds, and at each phase), for this attempt
    only; raises Stopped between two steps once the worker is asked to stop."""

    def __init__(self, db: Database, row: Row, stop: threading.Event | None, every: float):
        self.db, self.row, self.stop, self.every = db, row, stop, every
        self._last = 0.0

    def reading(self, bytes_read: int, rows_read: int) -> None:
        self._write(phase="reading", bytes_read=bytes_read, rows_read=rows_read)

    def checking(self, rows_read: int, teachers_total: int) -> None:
        self._write(force=True, phase="checking", bytes_read=self.row.file_bytes, rows_read=rows_read,
                    teachers_total=teachers_total, teachers_checked=0)

    def checked(self, teachers: int) -> None:
        self._write(teachers_checked=teachers)

    def writing(self, teachers_to_write: int) -> None:
        self._write(force=True, phase="writing", teachers_to_write=teachers_to_write, teachers_written=0)

    def written(self, teachers: int) -> None:
        self._write(teachers_written=teachers)

    def _write(self, *, force: bool = False, **values) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Stopped()
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        with self.db.engine.begin() as conn:
            conn.execute(update(uploads).where(*_this_attempt(self.row)).values(updated_at=func.now(), **values))


def _this_attempt(row: Row) -> tuple:
    return uploads.c.id == row.id, uploads.c.status == "running", uploads.c.attempts == row.attempts


class UploadWorker:
    """The worker's runner for uploaded imports, one at a time."""

    def __init__(self, settings: InductionsSettings, db: Database, *, clock: Clock | None = None,
                 poll_seconds: float | None = None, progress_seconds: float = 1.0):
        self.settings, self.db = settings, db
        self.clock = clock or Clock()
        self.poll_seconds = settings.in_flight_poll_seconds if poll_seconds is None else poll_seconds
        self.progress_seconds = progress_seconds
        self.stop: threading.Event | None = None

    def run_forever(self, stop: threading.Event) -> None:
        self.stop = stop
        keep_running(self._run, stop, (SQLAlchemyError, psycopg.Error, OSError), log, "in_flight_upload_worker_error")

    def _run(self, stop: threading.Event) -> None:
        channel = wake_up_channel(self.db.schema)
        work_on_notify(self.db, channel, self.run_once, stop, self.poll_seconds,
                       started=lambda: log.info("in_flight_upload_worker_started", channel=channel))

    def run_once(self) -> bool:
        """Take one queued (or orphaned) import and run it; whether there was one."""
        claim = self.claim()
        if claim is None:
            return False
        try:
            self.process(claim.row)
        finally:
            claim.release()
        return True

    # --- taking an import --------------------------------------------------------------------------------------------
    def claim(self) -> Claim | None:
        conn = self.db.engine.connect()
        try:
            row = self._claim_on(conn)
        except BaseException:
            conn.invalidate()  # it may hold a lock: a closed connection holds none
            conn.close()
            raise
        if row is None:
            conn.close()
            return None
        return Claim(row, conn)

    def _claim_on(self, conn: Connection) -> Row | None:
        with conn.begin():
            candidates = conn.execute(
                select(uploads.c.id, uploads.c.attempts).where(uploads.c.status.in_(("queued", "running")))
                .order_by(uploads.c.created_at, uploads.c.id).limit(20).with_for_update(skip_locked=True)).all()
            for upload_id, attempts in candidates:
                key = {"key": LOCK_PREFIX + upload_id}
                if not conn.scalar(text("select pg_try_advisory_lock(hashtextextended(:key, 0))"), key):
                    continue  # another worker is running it
                if attempts >= MAX_ATTEMPTS:
                    conn.execute(update(uploads).where(uploads.c.id == upload_id).values(
                        **_ended("failed"), error_code="too_many_attempts",
                        error_message=f"The import stopped unfinished {attempts} times; upload the file again "
                                      "(what was imported stays; the rest carries on)."))
                    conn.execute(delete(chunks).where(chunks.c.upload_id == upload_id))
                    conn.execute(text("select pg_advisory_unlock(hashtextextended(:key, 0))"), key)
                    log.error("in_flight_upload_gave_up", upload_id=upload_id, attempts=attempts)
                    continue
                return conn.execute(
                    update(uploads).where(uploads.c.id == upload_id)
                    .values(status="running", attempts=uploads.c.attempts + 1,
                            started_at=func.coalesce(uploads.c.started_at, func.now()), phase=None, bytes_read=0,
                            rows_read=0, teachers_checked=0, teachers_total=None, teachers_to_write=None,
                            teachers_written=0, updated_at=func.now())
                    .returning(*uploads.c)).one()
        return None

    # --- running it --------------------------------------------------------------------------------------------------
    def process(self, row: Row) -> None:
        correlation.bind(row.correlation_id)
        log.info("in_flight_upload_started", upload_id=row.id, attempt=row.attempts, dry_run=row.dry_run)
        progress = Progress(self.db, row, self.stop, self.progress_seconds)
        grouped = legacy_file.Grouped()
        try:
            token = configured_token() or row.access_token
            mapping = row.mapping if row.mapping is not None else legacy_file.ids_as_themselves()
            importer = InFlightImport(self.db, TrsFinder(self.settings.trs_sync_url, token), mapping,
                                      self.clock.today(), dry_run=row.dry_run, source=row.file_name,
                                      actor=Actor(**row.uploaded_by), audit_details={"import_id": row.id})
            with tempfile.TemporaryFile(prefix="in-flight-upload-") as file:
                self._copy_file(row, file)
                grouped.load(file, lambda position: progress.reading(position, grouped.rows_read))
            progress.checking(grouped.rows_read, grouped.teacher_count())
            summary = importer.run(grouped, progress.checked, progress.writing, progress.written)
            self._finish(row, summary, grouped)
        except Stopped:
            self._end(row, status="queued", attempts=row.attempts - 1, phase=None, started_at=None)
            log.info("in_flight_upload_requeued", upload_id=row.id, reason="the worker is stopping")
        except TokenRefused as error:
            self._fail(row, "token_refused", "trs-sync refused the uploader's access token (it lasts minutes): "
                                             "upload the file again to carry on where the import stopped. "
                                             f"({error.message})")
        except TrsUnavailable as error:
            self._fail(row, error.code, f"{error.message} Upload the file again to carry on where it stopped.")
        except (ValueError, csv.Error) as error:
            self._fail(row, "unreadable_file", f"The file could not be read: {error}")
        except SQLAlchemyError:
            raise  # the database: the import stays running, unlocked, and is taken again
        except Exception:
            log.exception("in_flight_upload_error", upload_id=row.id)
            self._fail(row, "import_error", "The import stopped on an unexpected error; support can find it by the "
                                            f"correlation id {row.correlation_id}.")
        finally:
            grouped.close()
            correlation.clear()

    def _copy_file(self, row: Row, file: BinaryIO) -> None:
        with self.db.engine.connect() as conn:
            for seq in range(row.chunks):
                data = conn.scalar(select(chunks.c.data).where(chunks.c.upload_id == row.id, chunks.c.seq == seq))
                if data is None:
                    raise ValueError(f"part {seq + 1} of the stored file is missing")
                file.write(data)
        file.seek(0)

    def _finish(self, row: Row, summary: Summary, grouped: legacy_file.Grouped) -> None:
        with self.db.engine.begin() as conn:
            if conn.execute(select(uploads.c.id).where(*_this_attempt(row)).with_for_update()).first() is None:
                return  # not ours any more
            conn.execute(delete(rejects).where(rejects.c.upload_id == row.id))
            batch = []
            for position, (line, reason, detail, cells) in enumerate(grouped.rejects()):
                batch.append({"upload_id": row.id, "position": position, "line": line, "reason": reason,
                              "detail": detail.replace("\x00", "\ufffd"), "cells": cells})
                if len(batch) >= REJECTS_BATCH:
                    conn.execute(insert(rejects), batch)
                    batch = []
            if batch:
                conn.execute(insert(rejects), batch)
            conn.execute(delete(chunks).where(chunks.c.upload_id == row.id))
            conn.execute(update(uploads).where(uploads.c.id == row.id).values(
                **_ended("finished"), summary=summary.to_dict(), phase="writing", teachers_checked=summary.teachers_read,
                teachers_to_write=summary.teachers_to_write, teachers_written=summary.teachers_to_write))
        log.info("in_flight_upload_finished", upload_id=row.id, dry_run=row.dry_run, rows_read=summary.rows_read,
                 teachers_imported=summary.teachers_imported, rejected_rows=sum(summary.rejected_rows.values()))

    def _fail(self, row: Row, code: str, message: str) -> None:
        self._end(row, **_ended("failed"), error_code=code, error_message=message, delete_file=True)
        log.warning("in_flight_upload_failed", upload_id=row.id, error_code=code, error=message)

    def _end(self, row: Row, *, delete_file: bool = False, **values) -> None:
        with self.db.engine.begin() as conn:
            ended = conn.execute(update(uploads).where(*_this_attempt(row)).values({"updated_at": func.now(), **values})
                                 .returning(uploads.c.id)).first()
            if ended is not None and delete_file:
                conn.execute(delete(chunks).where(chunks.c.upload_id == row.id))


def _ended(status: str) -> dict:
    """An import that ends keeps no file and no token."""
    return dict(status=status, finished_at=func.now(), access_token=None, updated_at=func.now())


def background_runners(settings: InductionsSettings, db: Database) -> list[tuple[str, object]]:
    return [("in-flight-uploads", UploadWorker(settings, db))]
