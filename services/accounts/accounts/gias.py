"""Importing schools from a GIAS establishments export (CSV).

Idempotent: a school is matched by URN and only written, audited and published when something in it
changed. Schools GIAS marks closed are closed. Rows that cannot be used are rejected, each with its
line and reason; the rest still import. Real exports are tens of thousands of rows and not always
UTF-8 clean: each line is read as UTF-8, or failing that as Windows-1252.

Rules (shared/reference/domain.md, "GIAS establishments export"):
- state-funded: every type except "Other independent school" and "Other independent special school";
- eligible: open (or proposed to close), in England, and of an eligible type; independent schools
  are eligible only when section 41 approved;
- contact email: MainEmail, then AlternativeEmail.
"""
from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from accounts import audit, contacts
from accounts.adapters import start_mappers
from accounts.domain.model import Organisation
from ecf_shared.events.envelope import Actor
from ecf_shared.uow import UnitOfWork

ACTOR = Actor(type="system", name="GIAS import")
REQUIRED_COLUMNS = ("URN", "EstablishmentName", "TypeOfEstablishment (name)", "EstablishmentStatus (name)")
STATUSES = {"open": "open", "closed": "closed", "open, but proposed to close": "proposed_to_close"}
NOT_YET_OPEN = "proposed to open"
INDEPENDENT_TYPES = {"other independent school", "other independent special school"}
INELIGIBLE_TYPES = {
    "offshore schools", "service children's education", "miscellaneous", "higher education institutions",
    "welsh establishment", "british schools overseas", "online provider",
    "institution funded by other government department",
}
WELSH_LA_CODES = {str(code) for code in range(660, 682)}
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
COMPARED = ("name", "ukprn", "status", "contact_email", "establishment_type", "state_funded", "eligible")
BATCH = 500


class Rejected(ValueError):
    pass


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"created {self.created}, updated {self.updated}, closed {self.closed}, unchanged {self.unchanged}, "
                f"skipped {self.skipped}, rejected {len(self.rejected)}")


def _decode(line: bytes, first: bool) -> str:
    try:
        return line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _lines(path: Path) -> Iterator[str]:
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh):
            yield _decode(raw, n == 0)


def read(path: Path) -> Iterator[tuple[int, dict]]:
    """(line where the record starts, its cells) for every data row."""
    reader = csv.reader(_lines(path))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise Rejected("the file is empty") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise Rejected(f"the header lacks {', '.join(missing)}")
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) != len(header):
                yield start, {"__error__": f"has {len(cells)} cells where the header has {len(header)}"}
            else:
                yield start, dict(zip(header, cells, strict=False))
        start = reader.line_num + 1


def _cell(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def _email(value: str) -> str | None:
    return value if value and EMAIL.match(value) and len(value) <= 320 else None


def _in_england(row: dict) -> bool:
    district = _cell(row, "DistrictAdministrative (code)")
    if district:
        return district.upper().startswith("E")
    la_code = _cell(row, "LA (code)")
    return bool(la_code) and la_code not in ("000", "001") and la_code not in WELSH_LA_CODES


def school_fields(row: dict) -> dict:
    """The organisation's fields for one row, or Rejected with the reason."""
    if "__error__" in row:
        raise Rejected(row["__error__"])
    urn = _cell(row, "URN")
    if not re.fullmatch(r"\d{6}", urn):
        raise Rejected(f"URN {urn!r} is not 6 digits")
    name = _cell(row, "EstablishmentName")
    if not name:
        raise Rejected("EstablishmentName is empty")
    if len(name) > 300:
        raise Rejected("EstablishmentName is longer than 300 characters")
    status_name = _cell(row, "EstablishmentStatus (name)")
    if status_name.lower() == NOT_YET_OPEN:
        raise Rejected("status is 'Proposed to open': imported once it opens")
    status = STATUSES.get(status_name.lower())
    if status is None:
        raise Rejected(f"unknown EstablishmentStatus {status_name!r}")
    ukprn = _cell(row, "UKPRN") or None
    if ukprn and not re.fullmatch(r"\d{8}", ukprn):
        raise Rejected(f"UKPRN {ukprn!r} is not 8 digits")
    type_name = _cell(row, "TypeOfEstablishment (name)")
    if not type_name:
        raise Rejected("TypeOfEstablishment is empty")
    independent = type_name.lower() in INDEPENDENT_TYPES
    section_41 = _cell(row, "Section41Approved (name)").lower() == "approved"
    eligible_type = type_name.lower() not in INELIGIBLE_TYPES and (not independent or section_41)
    return {
        "urn": urn, "name": name, "ukprn": ukprn, "status": status, "establishment_type": type_name[:200],
        "contact_email": _email(_cell(row, "MainEmail")) or _email(_cell(row, "AlternativeEmail")),
        "state_funded": not independent,
        "eligible": status in ("open", "proposed_to_close") and _in_england(row) and eligible_type,
    }


def _effective_contact(org: Organisation) -> str | None:
    return org.contact_email_for_lead_providers or org.contact_email


def _apply(uow, existing: dict[str, Organisation], values: dict, result: Result) -> None:
    org = existing.get(values["urn"])
    if org is None:
        if values["status"] == "closed":
            result.skipped += 1  # never imported and already closed: nothing to do
            return
        org = Organisation(type="school", **values)
        uow.session.add(org)
        uow.session.flush()
        existing[org.urn] = org
        audit.record(uow.session, actor=ACTOR, action="organisation_created", subject_type="organisation",
                     subject_id=org.id, organisation_id=org.id, after=org.event_data())
        uow.publish("accounts.organisation.created", org.event_data(), actor=ACTOR)
        result.created += 1
        return
    if org.type != "school":
        raise Rejected(f"URN {org.urn} belongs to a {org.type}, not a school")
    changed = {k: v for k, v in values.items() if k in COMPARED and getattr(org, k) != v}
    if not changed:
        result.unchanged += 1
        return
    before = {k: getattr(org, k) for k in changed}
    contact_before = _effective_contact(org)
    closing = changed.get("status") == "closed"
    for k, v in changed.items():
        setattr(org, k, v)
    audit.record(uow.session, actor=ACTOR, action="organisation_closed" if closing else "organisation_updated",
                 subject_type="organisation", subject_id=org.id, organisation_id=org.id, before=before, after=changed)
    uow.publish("accounts.organisation.closed" if closing else "accounts.organisation.updated", org.event_data(),
                actor=ACTOR)
    if _effective_contact(org) != contact_before:
        contacts.publish(uow, org, ACTOR)
    if closing:
        result.closed += 1
    else:
        result.updated += 1


def count_rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def import_file(db, path: Path, *, progress: bool = True) -> Result:
    start_mappers()
    result = Result()
    rows = read(path)  # checks the header before anything is written
    first = next(rows, None)
    pending = [first] if first else []
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("importing schools"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not progress, transient=False)
    with bar, UnitOfWork(db, producer="accounts") as uow:
        task = bar.add_task("schools", total=count_rows(path))
        existing = {o.urn: o for o in uow.session.query(Organisation).filter(Organisation.urn.isnot(None))}
        seen: dict[str, int] = {}
        done = 0
        for line, row in _chain(pending, rows):
            try:
                values = school_fields(row)
                if values["urn"] in seen:
                    raise Rejected(f"URN {values['urn']} appears again (first on line {seen[values['urn']]})")
                seen[values["urn"]] = line
                _apply(uow, existing, values, result)  # rejects before writing anything
            except Rejected as exc:
                result.rejected.append((line, str(exc)))
            done += 1
            bar.update(task, completed=done)
            if done % BATCH == 0:
                uow.commit()
        uow.commit()
    return result


def _chain(first: list, rest: Iterator):
    yield from first
    yield from rest


def command(db, argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m accounts import-gias",
                                     description="Import schools from a GIAS establishments export (CSV).")
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"import-gias: no such file {args.file}", file=sys.stderr)
        return 2
    try:
        result = import_file(db, args.file, progress=not args.no_progress)
    except Rejected as exc:
        print(f"import-gias: {args.file}: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    for line, reason in result.rejected:
        print(f"  rejected line {line}: {reason}")
    return 0
