"""Classifying drift with the edit rules, and which CPD states are watched (no database, no TRS)."""
from datetime import date, datetime, timedelta, UTC

import pytest

from trs_sync.domain.drift import WatchedTeacher, classify, watch_until
from trs_sync.domain.model import Induction, StatusChange

TODAY = date(2027, 3, 1)
START = date(2026, 9, 1)
IN_PROGRESS = Induction("InProgress", START)
PASSED = Induction("Passed", START, TODAY - timedelta(days=10))


@pytest.mark.parametrize("cpd, trs, expected", [
    (IN_PROGRESS, Induction("Exempt"), ("permitted", "exempt_in_progress")),
    (IN_PROGRESS, Induction("Exempt", START), ("permitted", "exempt_in_progress")),
    (IN_PROGRESS, Induction("FailedInWales", START), ("manual_review", "managed_by_cpd")),
    (IN_PROGRESS, Induction("Passed", START, TODAY), ("manual_review", "passed_needs_cpd_record")),
    (IN_PROGRESS, Induction("InProgress", date(2026, 10, 1)), ("manual_review", "managed_by_cpd")),
    (IN_PROGRESS, Induction("RequiredToComplete"), ("manual_review", "managed_by_cpd")),
    (PASSED, Induction("Failed", START, PASSED.completed_date), ("manual_review", "managed_by_cpd")),
    (PASSED, Induction("Passed", START, TODAY), ("manual_review", "managed_by_cpd")),
    (Induction("RequiredToComplete"), Induction("Exempt"), ("manual_review", "managed_by_cpd")),
])
def test_only_an_exemption_of_an_induction_in_progress_is_permitted(cpd, trs, expected):
    classification, rule, detail = classify(cpd, trs, TODAY)
    assert (classification, rule) == expected and detail


def test_a_status_trs_adds_that_the_rules_do_not_know_is_refused_loudly():
    with pytest.raises(ValueError):
        classify(IN_PROGRESS, Induction("SomethingNew"), TODAY)


def test_watched_while_under_way_and_while_an_outcome_may_still_be_corrected():
    assert watch_until(IN_PROGRESS, TODAY) == date.max
    assert watch_until(Induction("RequiredToComplete"), TODAY) == date.max
    assert watch_until(PASSED, TODAY) == PASSED.completed_date + timedelta(days=30)
    assert watch_until(Induction("Exempt"), TODAY) is None


def sent(watched: WatchedTeacher, induction: Induction, at: datetime) -> None:
    watched.sent(StatusChange("e", watched.trn, induction, at, "cpd"))


def test_a_drift_is_reported_once_until_trs_is_back_in_line():
    watched = WatchedTeacher("1234567", date(1990, 5, 17))
    sent(watched, IN_PROGRESS, datetime(2026, 9, 1, tzinfo=UTC))
    exempt = Induction("Exempt")
    first = watched.compare(exempt, TODAY)
    assert (first.classification, first.cpd, first.trs) == ("permitted", IN_PROGRESS, exempt)
    assert watched.compare(exempt, TODAY) is None
    assert watched.compare(IN_PROGRESS, TODAY) is None and watched.reported is None
    assert watched.compare(exempt, TODAY) is not None


def test_an_older_delivery_does_not_replace_what_cpd_sent_last():
    watched = WatchedTeacher("1234567")
    sent(watched, PASSED, datetime(2027, 2, 20, tzinfo=UTC))
    sent(watched, IN_PROGRESS, datetime(2026, 9, 1, tzinfo=UTC))
    assert watched.cpd == PASSED
