from datetime import date, timedelta

from hypothesis import given, strategies as st

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
