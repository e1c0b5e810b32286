"""The in-flight import as a use case: the grouped file in, a summary out.

Two phases, so that the access token forwarded to trs-sync is needed only for the first:

1. Checking (every TRS call): each teacher's rows are read and checked against the period rules, and TRS is asked
   about 500 teachers a call; the teachers that pass, with what TRS holds, are kept on disk (a table of the grouped
   file's SQLite database), so memory stays flat however large the file is.
2. Writing (no TRS call): 500 teachers a transaction, as the normal flows would write them: the induction record
   (names and QTS from TRS), its periods, an audit entry naming the import, and the events other services consume.
   A teacher whose periods are already in CPD as this file has them is left alone; one the import wrote before is
   brought in line with a corrected file.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from collections.abc import Callable

from sqlalchemy import select, text

from ecf_shared.db import Database
from ecf_shared.events.envelope import Actor, jsonable
from ecf_shared.uow import UnitOfWork
from inductions import events
from inductions.adapters import in_flight_imports
from inductions.domain import in_flight as rules
from inductions.domain.audit import AuditEntry
from inductions.domain.model import Induction, InductionPeriod
from inductions.in_flight.legacy_file import Grouped
from inductions.in_flight.trs import BATCH, TrsFinder

ACTOR = Actor(type="system", name="In-flight import")


@dataclass
class Summary:
    rows_read: int = 0
    teachers_read: int = 0
    teachers_imported: int = 0  # new to CPD, or a record a school registration opened
    teachers_updated: int = 0  # imported before; the file corrected them
    teachers_unchanged: int = 0
    periods_imported: int = 0  # periods written (created or changed)
    rejected_rows: Counter = field(default_factory=Counter)  # by reason
    trs_mismatches: int = 0  # teachers TRS does not know, or whose induction TRS closed otherwise
    trs_requests: int = 0  # TRS persons/find calls made
    teachers_to_write: int = 0  # teachers that passed every check, TRS's included: what the writing phase takes
    dry_run: bool = False
    updated_trns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rejected_rows"] = dict(sorted(self.rejected_rows.items()))
        d["rejected_rows_total"] = sum(self.rejected_rows.values())
        return d


@dataclass
class Teacher:
    trn: str
    periods: list[rules.LegacyPeriod]
    lines: list[int]
    trs: rules.TrsTeacher | None = None


@dataclass
class InFlightImport:
    db: Database
    finder: TrsFinder
    mapping: dict[str, str]
    today: date
    dry_run: bool = False
    source: str = "legacy file"
    batch_size: int = BATCH
    actor: Actor = ACTOR  # the audit entries' and events' author: the CLI's system actor, or the staff who uploaded
    audit_details: dict = field(default_factory=dict)  # added to each audit entry's details (the upload's id)

    def run(self, grouped: Grouped, on_teacher: Callable[[int], None] = lambda n: None,
            on_writing: Callable[[int], None] = lambda total: None,
            on_written: Callable[[int], None] = lambda n: None) -> Summary:
        """Checks every teacher (TRS included), then writes those that passed; `on_teacher` is told how many teachers
        were checked, `on_writing` how many are to be written once checking ends, `on_written` how many were."""
        summary = Summary(rows_read=grouped.rows_read, dry_run=self.dry_run)
        self._check(grouped, summary, on_teacher)
        on_writing(summary.teachers_to_write)
        written = 0
        for batch in grouped.passed(self.batch_size):
            self._write(batch, grouped, summary)
            written += len(batch)
            on_written(written)
        for _, reason, _, _ in grouped.rejects():
            summary.rejected_rows[reason] += 1
        return summary

    # --- phase 1: the rules and TRS, nothing written ----------------------------------------------------------------
    def _check(self, grouped: Grouped, summary: Summary, on_teacher: Callable[[int], None]) -> None:
        batch: list[Teacher] = []
        for trn, group in grouped.teachers():
            summary.teachers_read += 1
            teacher = self._read(trn, group, grouped, summary)
            if teacher is not None:
                batch.append(teacher)
            if len(batch) >= self.batch_size:
                self._ask_trs(batch, grouped, summary)
                on_teacher(summary.teachers_read)
                batch = []
        if batch:
            self._ask_trs(batch, grouped, summary)
        on_teacher(summary.teachers_read)
        summary.trs_requests = self.finder.trs_requests

    # --- one teacher's rows -----------------------------------------------------------------------
    def _read(self, trn: str, group: list[tuple[int, list[str]]], grouped: Grouped, summary: Summary) -> Teacher | None:
        periods, problems, seen = [], {}, {}
        for line, cells in group:
            try:
                period = rules.read_row(line, cells, self.mapping, self.today)
            except rules.Problem as problem:
                problems[line] = problem
                continue
            if period.key() in seen:  # the same period twice: the copy is reported, the teacher still imported
                grouped.reject(line, rules.Problem("duplicate_row", f"{rules.REASONS['duplicate_row']} "
                                                                    f"(line {seen[period.key()]})"), cells)
                continue
            seen[period.key()] = line
            periods.append(period)
        if not problems:
            for line, problem in rules.check_periods(periods):
                problems.setdefault(line, problem)
        cells_of = dict(group)
        if problems:
            self._reject_teacher(grouped, [p.line for p in periods] + list(problems), cells_of, problems)
            return None
        return Teacher(trn, periods, [p.line for p in periods])

    @staticmethod
    def _reject_teacher(grouped: Grouped, lines, cells_of: dict, problems: dict[int, rules.Problem]) -> None:
        for line in sorted(set(lines)):
            grouped.reject(line, problems.get(line) or rules.Problem("other_row_rejected"), cells_of[line])

    def _ask_trs(self, batch: list[Teacher], grouped: Grouped, summary: Summary) -> None:
        """One trs-sync call for the batch; the teachers TRS agrees with are kept for the writing phase."""
        found = self.finder.find([(t.trn, t.periods[0].date_of_birth) for t in batch])
        passing = []
        for teacher in batch:
            teacher.trs = found.get(teacher.trn)
            problem = rules.check_against_trs(teacher.periods, teacher.trs)
            if problem is None:
                passing.append(teacher)
                continue
            if problem.reason in rules.TRS_MISMATCHES:
                summary.trs_mismatches += 1
            self._reject_all(grouped, teacher, problem)
        grouped.keep_passed(passing)
        summary.teachers_to_write += len(passing)

    # --- phase 2: the database, no TRS call -----------------------------------------------------------------------

    def _reject_all(self, grouped: Grouped, teacher: Teacher, problem: rules.Problem) -> None:
        cells = {line: cells for line, cells in _cells(grouped, teacher)}
        for line in teacher.lines:
            grouped.reject(line, problem, cells[line])

    def _write(self, teachers: list[Teacher], grouped: Grouped, summary: Summary) -> None:
        with UnitOfWork(self.db, producer="inductions") as uow:
            trns = sorted(t.trn for t in teachers)
            # The same lock a claim or a registration takes before it creates a record: none races the import.
            uow.session.execute(_LOCK, {"keys": [f"inductions:{trn}" for trn in trns]})
            records = {i.trn: i for i in uow.session.scalars(
                select(Induction).where(Induction.trn.in_(trns)).with_for_update())}
            marks = dict(uow.session.execute(select(in_flight_imports.c.trn, in_flight_imports.c.fingerprint)
                                             .where(in_flight_imports.c.trn.in_(trns))).all())
            written: dict[str, str] = {}
            with uow.in_bulk():
                for teacher in teachers:
                    if self._write_one(uow, teacher, records.get(teacher.trn), marks.get(teacher.trn), grouped,
                                       summary):
                        written[teacher.trn] = rules.fingerprint(teacher.periods)
                if written:  # arrays, not a VALUES row each: one cached statement whatever the batch's size
                    uow.session.execute(_MARK, {"trns": list(written), "fingerprints": list(written.values())})
            if self.dry_run:
                uow.rollback()
            else:
                uow.commit()

    def _write_one(self, uow: UnitOfWork, teacher: Teacher, induction: Induction | None, mark: str | None,
                   grouped: Grouped, summary: Summary) -> bool:
        """Whether the teacher's record was written."""
        wanted = rules.fingerprint(teacher.periods)
        if induction is not None and induction.periods:
            held = rules.fingerprint(induction.periods)
            if mark is None:
                self._reject_all(grouped, teacher, rules.Problem("already_recorded_in_cpd"))
                return False
            if held != mark:
                self._reject_all(grouped, teacher, rules.Problem("changed_in_cpd_since_import"))
                return False
            if held == wanted:
                summary.teachers_unchanged += 1
                return False
        trs = teacher.trs
        if induction is None:
            induction = Induction(trn=teacher.trn, first_name=trs.first_name, last_name=trs.last_name,
                                  qts_awarded_on=trs.qts_awarded_on)
            uow.session.add(induction)
            before = (None, None, None)
        else:
            induction.qts_awarded_on = trs.qts_awarded_on
            before = induction.snapshot()
        updating = bool(induction.periods)
        changed = self._replace_periods(uow, induction, sorted(teacher.periods, key=lambda p: p.started_on), self.actor)
        summary.periods_imported += changed
        if updating:
            summary.teachers_updated += 1
            summary.updated_trns.append(teacher.trn)
        else:
            summary.teachers_imported += 1
        uow.session.add(AuditEntry(trn=teacher.trn, action="import_in_flight_update" if updating else "import_in_flight",
                                   actor=self.actor.to_dict(), details=jsonable({
                                       **self.audit_details, "source": self.source, "lines": teacher.lines,
                                       "periods": [asdict(p) for p in teacher.periods]})))
        events.announce_status(uow, induction, before, actor=self.actor, source="cpd",
                               reason="Imported from the legacy service" if not updating
                               else "Corrected by a later import from the legacy service",
                               trs_induction={"status": trs.status, "start_date": trs.start_date,
                                              "completed_date": trs.completed_date})
        return True

    @staticmethod
    def _replace_periods(uow: UnitOfWork, induction: Induction, legacy: list[rules.LegacyPeriod], actor: Actor) -> int:
        """The record's periods become the file's, in start order: kept ones changed in place, new ones opened
        (and closed when finished), ones the file no longer has removed. Returns how many periods were written."""
        existing = sorted(induction.periods, key=lambda p: p.started_on)
        written = 0
        for index, row in enumerate(legacy):
            values = dict(appropriate_body_id=row.appropriate_body_id, started_on=row.started_on,
                          finished_on=row.finished_on, number_of_terms=row.number_of_terms,
                          training_programme=row.training_programme, outcome=row.outcome)
            if index < len(existing):
                period = existing[index]
                if rules.fingerprint([period]) == rules.fingerprint([row]):
                    continue
                for name, value in values.items():
                    setattr(period, name, value)
                events.period(uow, "updated", induction, period, actor)
            else:
                period = InductionPeriod(induction.id, **values)
                induction.periods.append(period)
                events.period(uow, "opened", induction, period, actor)
                if period.finished_on is not None:
                    events.period(uow, "closed", induction, period, actor)
            written += 1
        for period in existing[len(legacy):]:
            induction.periods.remove(period)
            uow.session.delete(period)
        return written


def _cells(grouped: Grouped, teacher: Teacher):
    marks = ",".join("?" * len(teacher.lines))
    for line, cells in grouped.db.execute(f"select line, cells from rows where trn = ? and line in ({marks})",
                                          (teacher.trn, *teacher.lines)):
        yield line, json.loads(cells)


_MARK = text("insert into in_flight_imports (trn, fingerprint) select * from unnest(cast(:trns as text[]), "
             "cast(:fingerprints as text[])) on conflict (trn) do update set fingerprint = excluded.fingerprint, "
             "updated_at = now()")
_LOCK = text("select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(cast(:keys as text[])) as k")
