"""Property-based tests over the transition table, through the domain model (no database).

Random sequences of actions by random actors on random days: whatever the model accepts never produces
overlapping periods, two outcomes, or a status that disagrees with the periods; whatever the table does not
allow is refused and changes nothing."""
import copy
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from ecf_shared.errors import AppError
from ecf_shared.induction_transitions import ACTORS, decide
from inductions.domain.model import APPEAL_DECISIONS, Induction

START = date(2025, 9, 1)
ABS = ("ab-1", "ab-1", "ab-2")

# Weighted so that sequences reach fails, appeals and reopenings often; exemption ends everything, so it is rare.
WEIGHTED_ACTIONS = ("claim", "claim", "pass", "fail", "fail", "release", "extension", "lodge_appeal", "lodge_appeal",
                    "decide_appeal", "decide_appeal", "reopen", "exempt")
LIKELY_ACTORS = ("appropriate_body", "staff_admin")
step = st.tuples(st.sampled_from(WEIGHTED_ACTIONS), st.sampled_from(LIKELY_ACTORS) | st.sampled_from(ACTORS),
                 st.sampled_from(ABS), st.integers(min_value=0, max_value=12), st.sampled_from(tuple(APPEAL_DECISIONS)))


def table_action(induction: Induction, action: str, decision: str) -> str:
    """The transition-table action a model call asks for, given the induction's state."""
    status = induction.status()
    return {
        "claim": "claim" if status == "RequiredToComplete" else "claim_after_release",
        "extension": "record_extension",
        "decide_appeal": APPEAL_DECISIONS[decision],
        "reopen": "admin_reopen_passed" if status == "Passed" else "admin_reopen_failed",
        "exempt": "exempt_before_start" if status == "RequiredToComplete" else "exempt_in_progress",
    }.get(action, action)


def apply(induction: Induction, action, actor, ab, today, decision):
    terms = Decimal("1.5")
    if action == "claim":
        return induction.claim(ab, today, "school_led", actor=actor, today=today)
    if action in ("pass", "fail", "release"):
        return induction.finish_period(ab, action, today, terms, actor=actor, today=today, appeal_notice_on=today)
    if action == "extension":
        return induction.record_extension(ab, terms, actor=actor, today=today)
    if action == "lodge_appeal":
        return induction.lodge_appeal(actor=actor, today=today)
    if action == "decide_appeal":
        return induction.decide_appeal(induction.appeals[-1], decision, actor=actor, today=today)
    if action == "reopen":
        return induction.reopen_latest(note="n", ticket=None, actor=actor, today=today)
    return induction.exempt("overseas_trained_teacher", "cpd", actor=actor, today=today, number_of_terms=terms)


def check_invariants(induction: Induction) -> None:
    periods = sorted(induction.periods, key=lambda p: p.started_on)
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert earlier.finished_on is not None and earlier.finished_on < later.started_on
    outcomes = [p for p in periods if p.outcome]
    assert len(outcomes) <= 1
    assert all(p.finished_on is not None and p.number_of_terms is not None for p in outcomes)
    assert all((p.finished_on is None) == (p.number_of_terms is None) for p in periods)
    expected = ("Exempt" if induction.exemption else
                {"pass": "Passed", "fail": "Failed"}[outcomes[0].outcome] if outcomes else
                "InProgress" if periods else "RequiredToComplete")
    assert induction.status() == expected


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(step, max_size=25))
def test_random_sequences_keep_the_invariants_and_refuse_what_the_table_does_not_allow(steps):
    induction = Induction(trn="1234567", first_name="Ada", last_name="Lovelace", qts_awarded_on=date(2025, 7, 1))
    today = START
    for action, actor, ab, days_later, decision in steps:
        today += timedelta(days=days_later)
        if action == "decide_appeal" and not induction.appeals:
            continue  # nothing to decide yet
        before = copy.deepcopy(induction)
        verdict = decide(table_action(induction, action, decision), actor, induction.status(), induction.anchors(), today)
        try:
            apply(induction, action, actor, ab, today, decision)
            accepted = True
        except AppError as refusal:
            accepted = False
            if verdict.outcome == "manual_handling" and refusal.code == "manual_handling_required":
                assert refusal.status == 409
        if verdict.outcome != "allowed":
            assert not accepted, (action, actor, verdict)
        if not accepted:
            assert induction == before  # a refusal changes nothing
        check_invariants(induction)
