"""The teachers drift detection reads in TRS, fed by what trs-sync delivered and by lookups (which bring the date
of birth TRS's persons/find needs)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from trs_sync.adapters import watched_teachers
from trs_sync.domain.drift import WatchedTeacher, closes_the_record
from trs_sync.domain.model import StatusChange


def locked(session: Session, trn: str) -> WatchedTeacher:
    """The teacher's row, created if new, locked until the transaction ends."""
    session.execute(insert(watched_teachers).values(trn=trn).on_conflict_do_nothing(index_elements=["trn"]))
    return session.get(WatchedTeacher, trn, with_for_update=True, populate_existing=True)


def follow_settled(session: Session, change: StatusChange, outcome: str) -> None:
    """Called as a CPD change is settled, in the same transaction and under the teacher's delivery lock."""
    if outcome in ("delivered", "already_in_trs"):
        locked(session, change.trn).sent(change)
    elif outcome == "manual" and closes_the_record(change.induction):
        stop_watching(session, change.trn)  # CPD recorded an exemption; the TRS console records it in TRS


def stop_watching(session: Session, trn: str) -> None:
    watched = session.get(WatchedTeacher, trn, with_for_update=True)
    if watched is not None:
        watched.stop_watching()


def note_date_of_birth(session: Session, trn: str, date_of_birth: date) -> None:
    note_dates_of_birth(session, [(trn, date_of_birth)])


def note_dates_of_birth(session: Session, persons: list[tuple[str, date]]) -> None:
    """One statement for many (TRN, date of birth) pairs, as a batch lookup brings them."""
    if not persons:
        return
    stmt = insert(watched_teachers).values([{"trn": trn, "date_of_birth": dob} for trn, dob in dict(persons).items()])
    session.execute(stmt.on_conflict_do_update(
        index_elements=["trn"], set_={"date_of_birth": stmt.excluded.date_of_birth},
        where=watched_teachers.c.date_of_birth.is_distinct_from(stmt.excluded.date_of_birth)))


def _due(today: date):
    return (watched_teachers.c.cpd_status.is_not(None) & watched_teachers.c.watch_until.is_not(None)
            & (watched_teachers.c.watch_until >= today))


def next_batch(session: Session, after: str, size: int, today: date) -> list[WatchedTeacher]:
    """The next watched teachers TRS can be asked about, in TRN order (keyset: no offset to skip)."""
    return list(session.scalars(select(WatchedTeacher)
                                .where(_due(today), watched_teachers.c.date_of_birth.is_not(None),
                                       watched_teachers.c.trn > after)
                                .order_by(watched_teachers.c.trn).limit(size)))


def count_without_date_of_birth(session: Session, today: date) -> int:
    return session.scalar(select(func.count()).select_from(watched_teachers)
                          .where(_due(today), watched_teachers.c.date_of_birth.is_(None)))


def mark_checked(session: Session, trns: list[str]) -> None:
    session.execute(update(watched_teachers).where(watched_teachers.c.trn.in_(trns))
                    .values(checked_at=func.now()))
