"""Reading the legacy file: streamed, decoded row by row, and grouped per teacher through a temporary SQLite file so
memory stays flat however large the file is (only one teacher's rows are held at a time)."""
from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

from inductions.domain.in_flight import COLUMNS, Problem, is_uuid, normalise_name, read_trn

SURROGATE = re.compile("[\udc80-\udcff]")
INSERT_BATCH = 5000
REJECTS_HEADER = ("Line", "Reason", "Detail", *COLUMNS)  # the rejected rows' CSV (the CLI's --rejects, the upload's)


class MappingError(ValueError):
    pass


class UnreadableFile(csv.Error):
    """The legacy file is not CSV the import can read past some line (the message names it)."""


def load_mapping(path: str | None) -> dict[str, str]:
    """The mapping file: a CSV with the header `legacy name,appropriate body id`, one legacy appropriate body a
    line. Names match ignoring case and repeated spaces. Without a file the column must hold our ids."""
    if path is None:
        return _IdsAsThemselves()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return read_mapping(fh, path)


def read_mapping(lines: Iterable[str], name: str) -> dict[str, str]:
    """The mapping file's text (lines, as a file yields them), `name` naming it in the errors."""
    mapping: dict[str, str] = {}
    reader = csv.reader(lines)
    header = [normalise_name(h) for h in next(reader, [])]
    if header != ["legacy name", "appropriate body id"]:
        raise MappingError(f"{name}: the header must be 'legacy name,appropriate body id'")
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2 or not row[0].strip() or not is_uuid(row[1].strip()):
            raise MappingError(f"{name} line {line}: want a legacy name and an appropriate body id (a UUID)")
        name_, body_id = normalise_name(row[0]), str(uuid.UUID(row[1].strip()))
        if mapping.get(name_, body_id) != body_id:
            raise MappingError(f"{name} line {line}: {row[0].strip()!r} is mapped twice, to different ids")
        mapping[name_] = body_id
    return mapping


def ids_as_themselves() -> dict[str, str]:
    """The mapping without a mapping file: the appropriate body column holds our ids."""
    return _IdsAsThemselves()


class _IdsAsThemselves(dict):
    def get(self, key, default=None):
        return str(uuid.UUID(key)) if is_uuid(key) else default


def rows(stream: BinaryIO) -> Iterator[tuple[int, list[str] | None, list[str]]]:
    """(line, cells or None when undecodable, cells as best read) for each data row; `line` is the file line the
    row starts on (the header is line 1). Bytes that are not UTF-8 never stop the read: their row is reported."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    line = 1
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None or [normalise_name(h) for h in header] != [normalise_name(c) for c in COLUMNS]:
            raise ValueError(f"The header must be: {', '.join(COLUMNS)}")
        line = reader.line_num + 1
        for cells in reader:
            if cells and any(cell.strip() for cell in cells):
                undecodable = any(SURROGATE.search(cell) for cell in cells)
                printable = [SURROGATE.sub("\ufffd", cell) for cell in cells]
                yield line, None if undecodable else cells, printable
            line = reader.line_num + 1
    except csv.Error as error:  # e.g. a field past csv's 128 KB limit: an unterminated quote swallowing the rest
        raise UnreadableFile(f"line {line}: {error}") from None
    finally:
        text.detach()  # the caller's stream stays open


class Grouped:
    """The rows of the file in a temporary SQLite database, read back one teacher at a time in TRN order; rows that
    cannot be put with a teacher (no TRN, undecodable) are rejected as they are read."""

    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="in-flight-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        self.db.execute("pragma cache_size = -8000")  # 8 MB
        self.db.execute("create table rows (trn text not null, line integer not null, cells text not null)")
        self.db.execute("create table rejects (line integer not null, reason text not null, detail text not null, "
                        "cells text not null)")
        # The teachers that passed every check, with what TRS holds (pickled: this file is the process's own, 0600)
        self.db.execute("create table passed (trn text primary key, teacher blob not null)")
        self.rows_read = 0

    def load(self, stream: BinaryIO, on_progress: Callable[[int], None] = lambda position: None) -> None:
        pending: list[tuple] = []
        for line, cells, printable in rows(stream):
            self.rows_read += 1
            try:
                if cells is None:
                    raise Problem("undecodable")
                pending.append((read_trn(cells), line, json.dumps(cells)))
            except Problem as problem:
                self.reject(line, problem, printable)
            if len(pending) >= INSERT_BATCH:
                self._insert(pending)
                on_progress(stream.tell())
        self._insert(pending)
        self.db.execute("create index rows_by_trn on rows (trn, line)")
        on_progress(stream.tell())

    def _insert(self, pending: list[tuple]) -> None:
        self.db.executemany("insert into rows values (?, ?, ?)", pending)
        pending.clear()

    def teacher_count(self) -> int:
        return self.db.execute("select count(distinct trn) from rows").fetchone()[0]

    def teachers(self) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
        """(TRN, [(line, cells)]) per teacher, in TRN order."""
        trn, group = None, []
        for row_trn, line, cells in self.db.execute("select trn, line, cells from rows order by trn, line"):
            if row_trn != trn and group:
                yield trn, group
                group = []
            trn = row_trn
            group.append((line, json.loads(cells)))
        if group:
            yield trn, group

    def keep_passed(self, teachers: Sequence) -> None:
        """Keep these checked teachers (objects with a `trn`) on disk until the writing phase reads them back."""
        self.db.executemany("insert into passed values (?, ?)",
                            [(t.trn, pickle.dumps(t, pickle.HIGHEST_PROTOCOL)) for t in teachers])

    def passed(self, batch_size: int) -> Iterator[list]:
        """The kept teachers in TRN order, `batch_size` at a time (only one batch in memory)."""
        cursor = self.db.execute("select teacher from passed order by trn")
        while batch := cursor.fetchmany(batch_size):
            yield [pickle.loads(teacher) for (teacher,) in batch]

    def reject(self, line: int, problem: Problem, cells: list[str]) -> None:
        self.db.execute("insert into rejects values (?, ?, ?, ?)", (line, problem.reason, problem.detail,
                                                                   json.dumps(cells)))

    def rejects(self) -> Iterator[tuple[int, str, str, list[str]]]:
        for line, reason, detail, cells in self.db.execute("select * from rejects order by line, reason"):
            yield line, reason, detail, json.loads(cells)

    def close(self) -> None:
        self.db.close()
        os.unlink(self.path)
