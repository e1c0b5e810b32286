"""`python -m inductions import-in-flight FILE.csv [--dry-run] [--mapping FILE] [--rejects OUT.csv]`.

TRS is read through trs-sync with a DfE staff access token: IMPORT_ACCESS_TOKEN, or the file IMPORT_ACCESS_TOKEN_FILE.
"""
from __future__ import annotations

import argparse
import csv
import json
import os

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecf_shared.db import Database
from inductions.adapters import start_mappers
from inductions.clock import Clock
from inductions.domain.in_flight import COLUMNS
from inductions.in_flight.importer import InFlightImport, Summary
from inductions.in_flight.legacy_file import REJECTS_HEADER, Grouped, MappingError, UnreadableFile, load_mapping
from inductions.in_flight.trs import TrsFinder
from inductions.settings import InductionsSettings


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="inductions import-in-flight",
                                description="Give every in-flight induction of the legacy service its CPD record.")
    p.add_argument("file", help="the legacy CSV: " + ", ".join(COLUMNS))
    p.add_argument("--dry-run", action="store_true", help="check and report everything, write nothing")
    p.add_argument("--mapping", help="CSV 'legacy name,appropriate body id' (without it the column holds our ids)")
    p.add_argument("--rejects", help="write every rejected row here, with its line number and reason")
    p.add_argument("--json", action="store_true", help="print the summary as JSON, with no progress bar")
    return p


def configured_token() -> str | None:
    """The DfE staff access token the operator gave the process (the CLI's, or an upload worker's own)."""
    if os.environ.get("IMPORT_ACCESS_TOKEN"):
        return os.environ["IMPORT_ACCESS_TOKEN"]
    if os.environ.get("IMPORT_ACCESS_TOKEN_FILE"):
        with open(os.environ["IMPORT_ACCESS_TOKEN_FILE"]) as fh:
            return fh.read().strip()
    return None


def import_in_flight(settings: InductionsSettings, argv: list[str], *, clock: Clock | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(stderr=True, quiet=args.json)
    try:
        mapping = load_mapping(args.mapping)
    except (OSError, MappingError) as exc:
        console.print(f"[red]Mapping file: {exc}", highlight=False)
        return 2
    token = configured_token()
    if token is None:
        console.print("[red]Set IMPORT_ACCESS_TOKEN (or IMPORT_ACCESS_TOKEN_FILE) to a DfE staff access token.")
        return 2
    start_mappers()
    db = Database(settings.database_url, settings.db_schema)
    grouped = Grouped()
    try:
        importer = InFlightImport(db, TrsFinder(settings.trs_sync_url, token), mapping,
                                  (clock or Clock()).today(), dry_run=args.dry_run, source=os.path.basename(args.file))
        with open(args.file, "rb") as stream, _progress(console) as progress:
            reading = progress.add_task("Reading", total=os.fstat(stream.fileno()).st_size)
            grouped.load(stream, lambda position: progress.update(reading, completed=position))
            checking = progress.add_task("Checking (the rules and TRS)", total=grouped.teacher_count())
            writing = progress.add_task("Writing", start=False, total=None)
            summary = importer.run(grouped, lambda n: progress.update(checking, completed=n),
                                   lambda total: (progress.start_task(writing), progress.update(writing, total=total)),
                                   lambda n: progress.update(writing, completed=n))
        if args.rejects:
            write_rejects(grouped, args.rejects)
    except UnreadableFile as exc:
        console.print(f"[red]{args.file} is not a readable CSV file ({exc}); nothing was imported.", highlight=False)
        return 2
    except (OSError, ValueError) as exc:
        console.print(f"[red]{exc}", highlight=False)
        return 2
    finally:
        grouped.close()
        db.dispose()
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2, default=str))
    else:
        report(Console(), summary, args.rejects)
    return 0


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def write_rejects(grouped: Grouped, path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECTS_HEADER)
        for line, reason, detail, cells in grouped.rejects():
            writer.writerow([line, reason, detail, *cells])


def report(console: Console, summary: Summary, rejects_path: str | None) -> None:
    title = "In-flight import (dry run: nothing was written)" if summary.dry_run else "In-flight import"
    table = Table(title=title, show_header=False)
    for label, value in (("Rows read", summary.rows_read), ("Teachers in the file", summary.teachers_read),
                         ("Teachers imported", summary.teachers_imported),
                         ("Teachers updated (the file changed)", summary.teachers_updated),
                         ("Teachers unchanged", summary.teachers_unchanged),
                         ("Periods imported", summary.periods_imported),
                         ("TRS mismatches (not found, or completed otherwise)", summary.trs_mismatches),
                         ("TRS requests (persons/find)", summary.trs_requests),
                         ("Rejected rows", sum(summary.rejected_rows.values()))):
        table.add_row(label, str(value))
    for reason, count in sorted(summary.rejected_rows.items()):
        table.add_row(f"  {reason}", str(count))
    console.print(table)
    if summary.updated_trns:
        shown = ", ".join(summary.updated_trns[:20]) + (" …" if len(summary.updated_trns) > 20 else "")
        console.print(f"Updated: {shown}")
    if rejects_path:
        console.print(f"Rejected rows, with line numbers and reasons: {rejects_path}")
