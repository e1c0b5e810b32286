"""The read copy of ECT registrations' schools never goes back in time (plain objects, no database)."""
from datetime import date, datetime, timedelta, UTC

from inductions.domain.school_ects import SchoolEct

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
LATER = T0 + timedelta(days=40)


def copy(**kw) -> SchoolEct:
    return SchoolEct(ect_period_id="p", trn="1234567", school_id="s", as_of=T0, **kw)


def test_a_later_change_is_taken_and_an_earlier_one_ignored():
    registered = copy(started_on=date(2026, 9, 1))
    assert registered.take(finished_on=date(2026, 10, 9), as_of=LATER) is True
    assert registered.take(finished_on=None, as_of=T0) is False  # the registration, redelivered after the leaving
    assert (registered.finished_on, registered.as_of) == (date(2026, 10, 9), LATER)


def test_the_same_change_again_changes_nothing():
    left = copy(started_on=date(2026, 9, 1))
    left.take(finished_on=date(2026, 10, 9), as_of=LATER)
    assert left.take(finished_on=date(2026, 10, 9), as_of=LATER) is False


def test_an_earlier_event_still_fills_in_what_never_changes():
    left_first = SchoolEct(ect_period_id="p", trn="1234567", school_id="s", as_of=LATER, finished_on=date(2026, 10, 9))
    assert left_first.take(finished_on=None, as_of=T0, started_on=date(2026, 9, 1)) is True
    assert (left_first.started_on, left_first.finished_on) == (date(2026, 9, 1), date(2026, 10, 9))


def test_current_until_its_last_day_has_passed():
    today = date(2026, 11, 20)
    assert [copy(finished_on=d).is_current(today) for d in (None, date(2026, 11, 21), today, date(2026, 10, 1))] == [
        True, True, False, False]
