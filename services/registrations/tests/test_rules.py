"""Domain rules as plain functions (no database)."""
from datetime import date

import pytest

from ecf_shared.errors import Invalid
from registrations.domain import rules


def assert_rule(check, ok: bool, *args):
    if ok:
        check(*args)
    else:
        with pytest.raises(Invalid):
            check(*args)


@pytest.mark.parametrize("started_on, cohort, ok", [
    (date(2026, 9, 1), 2026, True), (date(2027, 1, 5), 2026, True), (date(2027, 1, 5), 2027, False),
    (date(2027, 5, 1), 2027, True), (date(2027, 5, 1), 2026, True), (date(2027, 5, 1), 2028, False),
    (date(2026, 9, 1), 2025, False)])
def test_cohort_is_the_academic_year_or_the_next_for_summer_starters(started_on, cohort, ok):
    assert_rule(rules.check_cohort, ok, cohort, started_on)


@pytest.mark.parametrize("state_funded, kind, ok", [
    (True, "teaching_school_hub", True), (True, None, True), (True, "national", False), (True, "local_authority", False),
    (None, "national", False), (False, "national", True), (False, "teaching_school_hub", True),
    (False, "local_authority", False), (False, "something_else", True)])
def test_appropriate_body_school_type_rule(state_funded, kind, ok):
    assert_rule(rules.check_appropriate_body, ok, state_funded, kind)
    assert rules.may_name_appropriate_body(state_funded, kind) is ok  # what the wizard offers is what is accepted


@pytest.mark.parametrize("status, action, reason, schedule, result", [
    ("active", "withdraw", "moved", None, "withdrawn"), ("active", "withdraw", None, None, "reason_required"),
    ("active", "defer", None, None, "reason_required"), ("active", "defer", "bereavement", None, "deferred"),
    ("active", "resume", None, None, "already_active"), ("deferred", "resume", None, None, "resumed"),
    ("withdrawn", "resume", None, None, "participant_withdrawn"), ("withdrawn", "change_schedule", None, "x", "participant_withdrawn"),
    ("active", "change_schedule", None, "ecf-extended-september", "schedule_changed"),
    ("active", "change_schedule", None, None, "schedule_required")])
def test_lead_provider_actions(status, action, reason, schedule, result):
    try:
        assert rules.check_lead_provider_action(status, action, reason, schedule) == result
    except Invalid as refused:
        assert refused.code == result


def test_mentorship_rules():
    base = dict(ect_school_id="s", ect_teacher_id="e", ect_started_on=date(2026, 9, 1), ect_finished_on=None,
                mentor_school_id="s", mentor_teacher_id="m", mentor_started_on=date(2026, 10, 1),
                mentor_finished_on=date(2027, 7, 31), started_on=date(2026, 10, 1))
    rules.check_mentorship(**base)
    for change, code in (({"mentor_school_id": "t"}, "mentor_at_another_school"), ({"mentor_teacher_id": "e"}, "self_mentoring"),
                         ({"started_on": date(2026, 9, 15)}, "mentorship_outside_periods"),
                         ({"started_on": date(2027, 8, 1)}, "mentorship_outside_periods")):
        with pytest.raises(Invalid) as refused:
            rules.check_mentorship(**{**base, **change})
        assert refused.value.code == code
