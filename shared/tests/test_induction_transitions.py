from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from ecf_shared import edit_rules
from ecf_shared import induction_transitions as table
from ecf_shared.induction_transitions import ACTORS, STATUSES, TRANSITIONS, by_action, decide

TODAY = date(2026, 11, 22)


def test_every_transition_names_known_statuses_and_actors():
    for t in TRANSITIONS:
        assert t.from_status in (*STATUSES, "None") and t.to_status in STATUSES
        assert set(t.actors) <= set(ACTORS)


def test_trs_console_may_only_make_in_progress_exempt():
    console = [t for t in TRANSITIONS if "trs_console" in t.actors]
    assert [(t.from_status, t.to_status) for t in console] == [("InProgress", "Exempt")]


def test_appeal_lodged_on_day_30_is_allowed_and_day_31_goes_to_manual_handling():
    outcome = TODAY - timedelta(days=30)
    assert decide("lodge_appeal", "staff_admin", "Failed", {"outcome": outcome}, TODAY).outcome == "allowed"
    late = decide("lodge_appeal", "staff_admin", "Failed", {"outcome": outcome - timedelta(days=1)}, TODAY)
    assert late.outcome == "manual_handling" and late.reason_code == "outside_window"


@given(action=st.sampled_from([t.action for t in TRANSITIONS]), actor=st.sampled_from(ACTORS),
       status=st.sampled_from(("None", *STATUSES)), age=st.integers(min_value=0, max_value=4000))
def test_decisions_follow_the_table(action, actor, status, age):
    t = by_action(action)
    anchor = TODAY - timedelta(days=age)
    decision = decide(action, actor, status, {"outcome": anchor, "appeal_lodged": anchor}, TODAY)
    if status != t.from_status or actor not in t.actors:
        assert decision.outcome == "denied"
    elif t.window is not None and age > t.window.days:
        assert decision.outcome == "manual_handling"
    else:
        assert decision.outcome == "allowed"


# --- the transition table and the edit rules agree on every date -------------------------------------------------

STATUS_CHANGES = sorted({(t.from_status, t.to_status) for t in table.TRANSITIONS if t.from_status != t.to_status})
days = st.integers(min_value=-400, max_value=800)


@settings(max_examples=500, deadline=None)
@given(change=st.sampled_from(STATUS_CHANGES), actor=st.sampled_from(table.ACTORS), outcome_days=days,
       lodged_days=days)
def test_the_edit_rules_and_the_transition_table_agree_about_windows(change, actor, outcome_days, lodged_days):
    """For every status change, actor and pair of anchor dates (before or after today): the edit rules allow it
    exactly when some transition of the table making that change allows it."""
    today = date(2027, 3, 1)
    outcome_on, lodged_on = today - timedelta(days=outcome_days), today - timedelta(days=lodged_days)
    anchors = {"outcome": outcome_on, "appeal_lodged": lodged_on}
    by_table = any(table.decide(t.action, actor, t.from_status, anchors, today).outcome == "allowed"
                   for t in table.TRANSITIONS if (t.from_status, t.to_status) == change and actor in t.actors)
    verdict = edit_rules.evaluate(edit_rules.Proposal(
        field="status", actor=edit_rules.ACTOR_NAMES[actor], state=change[0], change=change[1], today=today,
        outcome_on=outcome_on, appeal_lodged_on=lodged_on))
    assert (verdict.outcome == "allowed") == by_table, (change, actor, outcome_days, lodged_days, verdict)


def test_an_anchor_after_today_is_outside_every_window():
    window = table.Window("outcome", 30)
    assert not window.allows({"outcome": date(2027, 3, 2)}, date(2027, 3, 1))
    assert window.allows({"outcome": date(2027, 3, 1)}, date(2027, 3, 1))
    assert edit_rules.Window is table.Window
