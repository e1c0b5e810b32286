"""The induction's rules, without a database."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ecf_shared.errors import Conflict, Invalid
from inductions.domain.model import Induction, ManualHandlingRequired

TODAY = date(2026, 11, 20)
AB, OTHER_AB = "ab-1", "ab-2"
AB_ACTOR = dict(actor="appropriate_body", today=TODAY)
ADMIN = dict(actor="staff_admin", today=TODAY)


def induction(qts=date(2025, 7, 1)) -> Induction:
    return Induction(trn="1234567", first_name="Ada", last_name="Lovelace", qts_awarded_on=qts)


def claimed(started=date(2025, 9, 1), ab=AB) -> Induction:
    i = induction()
    i.claim(ab, started, "school_led", **AB_ACTOR)
    return i


def failed(finished=TODAY) -> Induction:
    i = claimed()
    i.finish_period(AB, "fail", finished, Decimal("6"), appeal_notice_on=finished, actor="appropriate_body", today=finished)
    return i


def errors_on(exc_info, field):
    return field in exc_info.value.fields


def test_status_is_derived_from_periods_outcome_and_exemption():
    i = induction()
    assert i.snapshot() == ("RequiredToComplete", None, None)
    i.claim(AB, date(2025, 9, 1), "school_led", **AB_ACTOR)
    assert i.snapshot() == ("InProgress", date(2025, 9, 1), None)
    i.finish_period(AB, "pass", date(2026, 7, 20), Decimal("6"), **AB_ACTOR)
    assert i.snapshot() == ("Passed", date(2025, 9, 1), date(2026, 7, 20))


@pytest.mark.parametrize("started, field_message", [
    (TODAY + timedelta(days=1), "future"),
    (date(1999, 8, 31), "1 September 1999"),
    (date(2025, 6, 30), "QTS"),
])
def test_start_date_rules(started, field_message):
    with pytest.raises(Invalid) as exc:
        induction().claim(AB, started, "school_led", **AB_ACTOR)
    assert errors_on(exc, "started_on") and field_message in exc.value.message


def test_start_on_1_september_1999_is_allowed_without_qts_date():
    assert induction(qts=None).claim(AB, date(1999, 9, 1), None, **AB_ACTOR).started_on == date(1999, 9, 1)


def test_a_period_starts_after_the_end_of_an_earlier_one_so_periods_never_overlap():
    i = claimed()
    i.finish_period(AB, "release", date(2026, 1, 10), Decimal("1.5"), **AB_ACTOR)
    for started in (date(2025, 12, 1), date(2026, 1, 10)):
        with pytest.raises(Invalid) as exc:
            i.claim(OTHER_AB, started, "school_led", **AB_ACTOR)
        assert "after the end of the earlier period" in exc.value.message
    i.claim(OTHER_AB, date(2026, 1, 11), "school_led", **AB_ACTOR)
    assert i.status() == "InProgress" and len(i.periods) == 2


def test_another_ab_cannot_claim_while_a_period_is_open_and_the_same_ab_cannot_claim_twice():
    i = claimed()
    with pytest.raises(Conflict) as exc:
        i.claim(OTHER_AB, date(2026, 1, 1), None, **AB_ACTOR)
    assert exc.value.code == "claimed_by_another_appropriate_body"
    with pytest.raises(Conflict) as exc:
        i.claim(AB, date(2026, 1, 1), None, **AB_ACTOR)
    assert exc.value.code == "already_claimed"


@pytest.mark.parametrize("finished, message", [(TODAY + timedelta(days=1), "future"), (date(2025, 8, 31), "before the start")])
def test_end_date_rules(finished, message):
    with pytest.raises(Invalid) as exc:
        claimed().finish_period(AB, "pass", finished, Decimal("6"), **AB_ACTOR)
    assert errors_on(exc, "finished_on") and message in exc.value.message


def test_end_date_may_equal_the_start_date():
    i = claimed(started=TODAY)
    i.finish_period(AB, "release", TODAY, Decimal("0"), **AB_ACTOR)
    assert i.periods[0].finished_on == TODAY


@pytest.mark.parametrize("terms", ["-0.1", "16.1", "2.25"])
def test_number_of_terms_is_0_to_16_with_one_decimal_place(terms):
    with pytest.raises(Invalid) as exc:
        claimed().finish_period(AB, "pass", TODAY, Decimal(terms), **AB_ACTOR)
    assert errors_on(exc, "number_of_terms")


@pytest.mark.parametrize("terms", ["0", "16", "3.5"])
def test_number_of_terms_bounds_are_accepted(terms):
    assert claimed().finish_period(AB, "pass", TODAY, Decimal(terms), **AB_ACTOR).number_of_terms == Decimal(terms)


def test_open_period_has_no_terms_or_outcome_and_only_a_finished_period_has_an_outcome():
    i = claimed()
    assert i.periods[0].number_of_terms is None and i.periods[0].outcome is None
    i.finish_period(AB, "pass", TODAY, Decimal("6"), **AB_ACTOR)
    assert i.periods[0].finished_on == TODAY and i.periods[0].outcome == "pass"


def test_release_closes_without_an_outcome_and_only_the_claiming_ab_can_close():
    i = claimed()
    with pytest.raises(Conflict) as exc:
        i.finish_period(OTHER_AB, "release", TODAY, Decimal("1"), **AB_ACTOR)
    assert exc.value.code == "no_open_period"
    i.finish_period(AB, "release", TODAY, Decimal("1"), **AB_ACTOR)
    assert i.periods[0].outcome is None and i.status() == "InProgress"


def test_at_most_one_outcome_a_passed_induction_cannot_be_claimed_or_passed_again():
    i = claimed()
    i.finish_period(AB, "pass", date(2026, 7, 1), Decimal("6"), **AB_ACTOR)
    with pytest.raises(Conflict) as exc:
        i.claim(OTHER_AB, date(2026, 8, 1), None, **AB_ACTOR)
    assert exc.value.code == "wrong_status"
    assert [p.outcome for p in i.periods] == ["pass"]


def test_fail_needs_the_appeal_notice_confirmation_and_its_date():
    with pytest.raises(Invalid) as exc:
        claimed().finish_period(AB, "fail", TODAY, Decimal("6"), **AB_ACTOR)
    assert exc.value.code == "appeal_notice_required"
    with pytest.raises(Invalid):
        claimed().finish_period(AB, "fail", TODAY, Decimal("6"), appeal_notice_on=TODAY + timedelta(days=1), **AB_ACTOR)


def test_extensions_add_to_the_terms_required_and_are_0_1_to_16_terms():
    i = claimed()
    i.record_extension(AB, Decimal("1.5"), **AB_ACTOR)
    extension = i.record_extension(AB, Decimal("0.1"), **AB_ACTOR)
    assert i.terms_required() == Decimal("7.6")
    i.edit_extension(extension, Decimal("2"), **AB_ACTOR)
    assert i.terms_required() == Decimal("9.5")
    for bad in ("0", "16.1", "0.05"):
        with pytest.raises(Invalid):
            i.record_extension(AB, Decimal(bad), **AB_ACTOR)


def test_extensions_need_an_induction_in_progress():
    with pytest.raises(Conflict) as exc:
        induction().record_extension(AB, Decimal("1"), **AB_ACTOR)
    assert exc.value.code == "wrong_status"


@pytest.mark.parametrize("day", [29, 30])
def test_appeal_lodged_on_day_29_and_30_is_allowed(day):
    i = failed(TODAY - timedelta(days=day))
    appeal = i.lodge_appeal(actor="appropriate_body", today=TODAY)
    assert appeal.lodged_on == TODAY and i.status() == "Failed"


def test_appeal_on_day_31_needs_manual_handling_and_changes_nothing():
    i = failed(TODAY - timedelta(days=31))
    with pytest.raises(ManualHandlingRequired) as exc:
        i.lodge_appeal(actor="appropriate_body", today=TODAY)
    assert exc.value.code == "manual_handling_required" and exc.value.status == 409
    assert i.appeals == []


def test_appeal_against_a_pass_is_refused():
    i = claimed()
    i.finish_period(AB, "pass", TODAY, Decimal("6"), **AB_ACTOR)
    with pytest.raises(Conflict) as exc:
        i.lodge_appeal(**AB_ACTOR)
    assert exc.value.code == "wrong_status"


def test_upheld_continue_reverses_the_fail_and_reopens_the_period():
    i = failed()
    appeal = i.lodge_appeal(**AB_ACTOR)
    with pytest.raises(Conflict) as exc:
        i.decide_appeal(appeal, "upheld_continue", **AB_ACTOR)
    assert exc.value.code == "actor_not_allowed"
    i.decide_appeal(appeal, "upheld_continue", **ADMIN)
    assert i.snapshot() == ("InProgress", date(2025, 9, 1), None)
    assert i.periods[0].is_open and i.periods[0].number_of_terms is None


def test_upheld_replace_makes_the_outcome_a_pass_and_dismissed_keeps_the_fail():
    i = failed()
    i.decide_appeal(i.lodge_appeal(**AB_ACTOR), "upheld_replace", **ADMIN)
    assert i.status() == "Passed" and i.completed_date() == TODAY
    j = failed()
    appeal = j.lodge_appeal(**AB_ACTOR)
    assert j.decide_appeal(appeal, "dismissed", **ADMIN) is None
    assert j.status() == "Failed"
    with pytest.raises(Conflict):
        j.decide_appeal(appeal, "upheld_replace", **ADMIN)


def test_admin_reopen_needs_a_note_or_ticket_and_an_outcome_on_the_latest_period():
    i = claimed()
    with pytest.raises(Invalid):
        i.reopen_latest(note=None, ticket="", **ADMIN)
    with pytest.raises(Conflict) as exc:
        i.reopen_latest(note="n", ticket=None, **ADMIN)
    assert exc.value.code == "not_reopenable"
    i.finish_period(AB, "pass", TODAY, Decimal("6"), **AB_ACTOR)
    i.reopen_latest(note=None, ticket="SUP-1", **ADMIN)
    assert i.snapshot() == ("InProgress", date(2025, 9, 1), None)


def test_admin_reopen_more_than_30_days_after_the_outcome_needs_manual_handling():
    i = failed(TODAY - timedelta(days=31))
    with pytest.raises(ManualHandlingRequired):
        i.reopen_latest(note="n", ticket=None, **ADMIN)
    assert i.status() == "Failed"


def test_exemption_needs_a_trs_reason_and_closes_the_open_period():
    i = claimed()
    with pytest.raises(Invalid):
        i.exempt("felt like it", "cpd", number_of_terms=Decimal("2"), **ADMIN)
    with pytest.raises(Invalid) as exc:
        i.exempt("overseas_trained_teacher", "cpd", **ADMIN)
    assert errors_on(exc, "number_of_terms")
    closed = i.exempt("overseas_trained_teacher", "cpd", number_of_terms=Decimal("2"), **ADMIN)
    assert closed.finished_on == TODAY and i.status() == "Exempt" and i.completed_date() is None
    with pytest.raises(Conflict):
        i.claim(OTHER_AB, TODAY, None, **AB_ACTOR)


def test_exemption_before_start_and_not_after_a_pass():
    i = induction()
    i.exempt("qtls_with_set_membership", "cpd", **ADMIN)
    assert i.status() == "Exempt"
    j = claimed()
    j.finish_period(AB, "pass", TODAY, Decimal("6"), **AB_ACTOR)
    with pytest.raises(Conflict):
        j.exempt("qtls_with_set_membership", "cpd", **ADMIN)
