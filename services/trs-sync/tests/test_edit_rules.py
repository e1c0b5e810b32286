"""The edit rules: exhaustive over the table, property-based, and in step with the inductions transition table."""
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecf_shared import induction_transitions as transitions
from ecf_shared import edit_rules as rules
from ecf_shared.edit_rules import Proposal, evaluate

TODAY = date(2027, 3, 1)
WITHIN = {"outcome_on": TODAY - timedelta(days=10), "appeal_lodged_on": TODAY - timedelta(days=5)}
LONG_AGO = {"outcome_on": TODAY - timedelta(days=400), "appeal_lodged_on": TODAY - timedelta(days=380)}


def proposal(field="status", actor="cpd_console", state="InProgress", change="Exempt", **kw) -> Proposal:
    return Proposal(field=field, actor=actor, state=state, change=change, today=kw.pop("today", TODAY), **kw)


EVERY_CHANGE = [(f, a, s, c) for f in rules.FIELDS for a in rules.ACTORS for s in rules.STATUSES
                for c in rules.CHANGES[f]]


def listed(field, actor, state, change) -> list[rules.Rule]:
    return [r for r in rules.RULES if (r.field, r.state, r.change) == (field, state, change) and actor in r.actors]


@pytest.mark.parametrize("field, actor, state, change", EVERY_CHANGE)
def test_every_change_by_every_actor_follows_the_table(field, actor, state, change):
    inside = evaluate(proposal(field, actor, state, change, **WITHIN))
    outside = evaluate(proposal(field, actor, state, change, **LONG_AGO))
    for decision in (inside, outside):
        assert decision.reason_code in rules.REASONS and decision.message
    rows = listed(field, actor, state, change)
    if field == "status" and state == change:
        assert inside.reason_code == outside.reason_code == "no_change"
    elif rows:
        assert inside.outcome == "allowed" and inside.rule in {r.name for r in rows}
        if all(r.windows for r in rows):
            assert (outside.outcome, outside.reason_code) == ("manual_handling", "outside_window")
            assert "manual handling" in outside.message
        else:
            assert outside.outcome == "allowed"
    else:
        assert inside.outcome == outside.outcome == "denied"


def test_the_trs_console_may_only_exempt_an_induction_in_progress():
    allowed = {c for c in rules.STATUSES
               if evaluate(proposal(actor="trs_console", state="InProgress", change=c)).outcome == "allowed"}
    assert allowed == {"Exempt", "InProgress"}  # InProgress: no change at all
    refused = evaluate(proposal(actor="trs_console", state="InProgress", change="Failed"))
    assert (refused.outcome, refused.reason_code) == ("denied", "managed_by_cpd")
    assert "only change In Progress to Exempt" in refused.message
    assert evaluate(proposal("exemption", "trs_console", "InProgress", "grant")).outcome == "allowed"


@pytest.mark.parametrize("actor", rules.ACTORS)
@pytest.mark.parametrize("state", ["None", "RequiredToComplete"])
def test_a_pass_without_a_cpd_record_must_go_through_cpd(actor, state):
    decision = evaluate(proposal(actor=actor, state=state, change="Passed", **WITHIN))
    assert (decision.outcome, decision.reason_code) == ("denied", "passed_needs_cpd_record")


def test_only_the_appropriate_body_records_a_pass():
    assert evaluate(proposal(actor="appropriate_body", change="Passed")).outcome == "allowed"
    for actor in ("trs_console", "cpd_console", "school", "system"):
        assert evaluate(proposal(actor=actor, change="Passed")).reason_code == "passed_needs_cpd_record"


@pytest.mark.parametrize("state, change", [("Passed", "Failed"), ("Failed", "Passed"), ("Passed", "InProgress"),
                                           ("Failed", "InProgress")])
def test_pass_fail_reversals_only_inside_the_correction_window(state, change):
    days = transitions.OUTCOME_CORRECTION_DAYS
    last_day = evaluate(proposal(actor="cpd_console", state=state, change=change, outcome_on=TODAY - timedelta(days)))
    too_late = evaluate(proposal(actor="cpd_console", state=state, change=change,
                                 outcome_on=TODAY - timedelta(days + 1)))
    assert last_day.outcome == "allowed"
    assert (too_late.outcome, too_late.reason_code) == ("manual_handling", "outside_window")


def test_an_upheld_appeal_reverses_a_fail_within_the_decision_window():
    outcome_on = TODAY - timedelta(days=300)  # long past the correction window
    in_time = evaluate(proposal(actor="cpd_console", state="Failed", change="InProgress", outcome_on=outcome_on,
                                appeal_lodged_on=outcome_on + timedelta(days=20)))
    assert in_time.outcome == "allowed"
    late = evaluate(proposal(actor="cpd_console", state="Failed", change="InProgress",
                             outcome_on=TODAY - timedelta(days=400),
                             appeal_lodged_on=TODAY - timedelta(days=transitions.APPEAL_DECISION_DAYS + 1)))
    assert late.outcome == "manual_handling" and "365 days of the appeal lodged" in late.message


def test_no_window_anchor_means_manual_handling_not_a_guess():
    decision = evaluate(proposal(actor="cpd_console", state="Passed", change="Failed"))
    assert decision.outcome == "manual_handling"


def test_cpd_manages_an_induction_until_its_completed_date_is_seven_years_old():
    completed = date(2020, 3, 1)
    day_before = proposal(actor="trs_console", state="Passed", change="FailedInWales", completed_date=completed,
                          today=date(2027, 2, 28))
    assert evaluate(day_before).reason_code == "managed_by_cpd"
    on_the_day = proposal(actor="trs_console", state="Passed", change="FailedInWales", completed_date=completed,
                          today=date(2027, 3, 1))
    assert (evaluate(on_the_day).outcome, evaluate(on_the_day).reason_code) == ("allowed", "not_managed_by_cpd")
    cpd = proposal(actor="cpd_console", state="Passed", change="Failed", completed_date=completed,
                   today=date(2027, 3, 1), outcome_on=date(2027, 2, 20))
    assert (evaluate(cpd).outcome, evaluate(cpd).reason_code) == ("manual_handling", "no_longer_managed_by_cpd")


def test_a_record_cpd_never_wrote_is_the_trs_consoles():
    decision = evaluate(proposal(actor="trs_console", state="Passed", change="Failed", written_by_cpd=False))
    assert (decision.outcome, decision.reason_code) == ("allowed", "not_managed_by_cpd")


def test_leap_day_completions_count_seven_years_to_28_february():
    p = proposal(actor="trs_console", state="Passed", change="Failed", completed_date=date(2020, 2, 29),
                 today=date(2027, 2, 28))
    assert evaluate(p).outcome == "allowed"


def test_unknown_values_are_refused_loudly():
    with pytest.raises(ValueError):
        evaluate(proposal(change="Graduated"))


# --- in step with ecf_shared.induction_transitions --------------------------------------------------------

def test_every_transition_actor_has_a_name_here():
    assert {a for t in transitions.TRANSITIONS for a in t.actors} <= set(rules.ACTOR_NAMES)


@pytest.mark.parametrize("t", [t for t in transitions.TRANSITIONS if t.sends_to_trs], ids=lambda t: t.action)
def test_every_change_inductions_sends_to_trs_is_allowed_for_its_cpd_actors(t):
    anchors = {"outcome_on": TODAY - timedelta(days=1), "appeal_lodged_on": TODAY - timedelta(days=1)}
    for actor in t.actors:
        decision = evaluate(proposal(actor=rules.ACTOR_NAMES[actor], state=t.from_status, change=t.to_status,
                                     **anchors))
        assert decision.outcome == "allowed", (t.action, actor, decision)


def test_the_console_may_do_exactly_what_the_transition_table_gives_it():
    table = {(t.from_status, t.to_status) for t in transitions.TRANSITIONS
             if "trs_console" in t.actors and t.from_status != t.to_status}
    engine = {(s, c) for s in rules.STATUSES for c in rules.STATUSES if s != c
              and evaluate(proposal(actor="trs_console", state=s, change=c, **WITHIN)).outcome == "allowed"}
    assert engine == table


# --- properties --------------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
proposals = st.sampled_from(rules.FIELDS).flatmap(lambda f: st.builds(
    Proposal, field=st.just(f), actor=st.sampled_from(rules.ACTORS), state=st.sampled_from(rules.STATUSES),
    change=st.sampled_from(rules.CHANGES[f]), today=dates, outcome_on=st.none() | dates,
    appeal_lodged_on=st.none() | dates, completed_date=st.none() | dates, written_by_cpd=st.booleans()))


@settings(max_examples=300, deadline=None)
@given(proposals)
def test_every_decision_is_explained_and_allowed_only_by_a_rule(p):
    decision = evaluate(p)
    assert decision.outcome in ("allowed", "denied", "manual_handling")
    assert decision.message and decision.reason_code in rules.REASONS
    if decision.outcome == "allowed" and decision.reason_code == "allowed":
        assert listed(p.field, p.actor, p.state, p.change)


@settings(max_examples=300, deadline=None)
@given(proposals)
def test_the_console_never_changes_a_cpd_managed_induction_in_progress_except_to_exempt(p):
    if p.actor == "trs_console" and p.state == "InProgress" and p.managed_by_cpd():
        allowed = evaluate(p).outcome == "allowed"
        assert allowed == ((p.field, p.change) in {("status", "Exempt"), ("status", "InProgress"),
                                                   ("exemption", "grant")})


@settings(max_examples=300, deadline=None)
@given(proposals, st.integers(min_value=1, max_value=400))
def test_waiting_longer_never_turns_a_refusal_into_permission(p, days):
    assume(all(d is None or d <= p.today for d in (p.outcome_on, p.appeal_lodged_on, p.completed_date)))
    later = Proposal(**{**p.__dict__, "today": p.today + timedelta(days=days)})
    if evaluate(p).outcome != "allowed" and p.written_by_cpd and p.actor != "trs_console":
        assert evaluate(later).outcome != "allowed"
