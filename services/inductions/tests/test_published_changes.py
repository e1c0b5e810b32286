"""Every path that opens or changes an induction publishes a change the edit rules permit, and TRS, taking every
change trs-sync would send, ends with the status CPD derives.

Random sequences of the commands (claims with and without a school's registration first, outcomes, extensions,
appeals and their decisions, reopening, exemption) run against the real database; the status changes they publish
are checked against the shared edit rules exactly as trs-sync checks them (ecf_shared.edit_rules)."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings, strategies as st

from ecf_shared import edit_rules
from ecf_shared.errors import AppError
from ecf_shared.events.envelope import SYSTEM, Actor, new_event
from ecf_shared.uow import UnitOfWork
from inductions import commands, handlers
from inductions.domain.model import APPEAL_DECISIONS, Induction
from test_in_flight_inductions import registered

START = date(2025, 9, 1)
QTS = date(2025, 7, 1)
ABS = ("a0000000-0000-4000-8000-00000000000a", "b0000000-0000-4000-8000-00000000000b")
ADMIN = commands.Caller("staff_admin", Actor(type="staff", user_id="staff-1", email="admin@education.gov.uk"))
TRNS = (f"{n:07d}" for n in itertools.count(3100000))

ACTIONS = ("register", "claim", "claim", "pass", "fail", "fail", "release", "extension", "lodge_appeal",
           "decide_appeal", "decide_appeal", "reopen", "exempt")
step = st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ABS), st.integers(min_value=0, max_value=20),
                 st.sampled_from(tuple(APPEAL_DECISIONS)))


def ab(ab_id: str) -> commands.Caller:
    return commands.Caller("appropriate_body", Actor(type="appropriate_body_user", user_id=f"u-{ab_id[:4]}",
                                                     organisation_id=ab_id), ab_id)


class Lookup:
    def __init__(self, trn: str):
        self.record = {"trn": trn, "first_name": "Ada", "last_name": "Lovelace", "qts_awarded_on": QTS.isoformat(),
                       "induction": {"status": "RequiredToComplete"}, "prohibited_from_teaching": False}

    def find(self, trn, date_of_birth, *, token):
        return self.record


def run(svc, trn: str, action: str, ab_id: str, today: date, decision: str) -> None:
    terms = Decimal("1.5")
    with UnitOfWork(svc.db, producer="inductions") as uow:
        if action == "register":
            data = {**registered(trn), "started_on": START, "qts_awarded_on": QTS}
            handlers.open_in_flight_induction(uow, new_event("registrations.ect.registered", data,
                                                             producer="registrations", actor=SYSTEM))
            uow.commit()
        elif action == "claim":
            commands.claim(uow, ab(ab_id), {"trn": trn, "date_of_birth": date(1995, 1, 1), "started_on": today,
                                            "training_programme": "school_led"}, Lookup(trn), today, token=None)
        elif action in ("pass", "fail", "release"):
            commands.record_outcome(uow, ab(ab_id), trn, {"outcome": action, "finished_on": today, "number_of_terms": terms,
                                                          "appeal_notice_confirmed": True,
                                                          "appeal_notice_confirmed_on": today}, today)
        elif action == "extension":
            commands.add_extension(uow, ab(ab_id), trn, {"terms": terms}, today)
        elif action == "lodge_appeal":
            commands.lodge_appeal(uow, ADMIN, trn, {}, today)
        elif action == "decide_appeal":
            induction = uow.session.query(Induction).filter_by(trn=trn).first()
            if induction is None or not induction.appeals:
                return
            commands.decide_appeal(uow, ADMIN, induction.appeals[-1].id, {"decision": decision}, today)
        elif action == "reopen":
            commands.reopen(uow, ADMIN, trn, {"note": "Corrected at the school's request"}, today)
        else:
            commands.admin_exempt(uow, ADMIN, trn, {"reason": "overseas_trained_teacher", "number_of_terms": terms,
                                                    "note": "Ticket 1"}, today)


def changes_of(svc, trn: str) -> list[dict]:
    return [e for e in svc.outbox_events("inductions.induction.status_changed") if e["data"]["trn"] == trn]


def _date(value: str | None) -> date | None:
    """A date as the outbox holds it (ISO text), as the consumers read it."""
    return date.fromisoformat(value) if value else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
@example(steps=[("claim", ABS[0], 0, "dismissed"), ("fail", ABS[0], 10, "dismissed"),
                ("lodge_appeal", ABS[0], 5, "dismissed"), ("decide_appeal", ABS[0], 5, "upheld_continue")])
@example(steps=[("claim", ABS[0], 0, "dismissed"), ("fail", ABS[0], 10, "dismissed"),
                ("lodge_appeal", ABS[0], 5, "dismissed"), ("decide_appeal", ABS[0], 5, "upheld_replace")])
def test_every_published_change_is_permitted_and_trs_ends_with_cpds_status(svc, steps):
    trn = next(TRNS)
    today = START
    trs_status, settled_completed = "None", None
    seen = 0
    for action, ab_id, days_later, decision in steps:
        today += timedelta(days=days_later)
        try:
            run(svc, trn, action, ab_id, today, decision)
        except AppError:
            continue  # refused (or sent to manual handling): nothing published, checked below
        for change in changes_of(svc, trn)[seen:]:
            data = change["data"]
            proposal = edit_rules.Proposal(
                field="status", actor=edit_rules.EVENT_ACTORS.get(change["actor"]["type"], "system"),
                state=data["old_status"] or "None", change=data["new_status"], today=today,
                outcome_on=settled_completed, appeal_lodged_on=_date(data.get("appeal_lodged_on")) or settled_completed,
                completed_date=_date(data["completed_date"]))
            verdict = edit_rules.evaluate(proposal)
            assert verdict.outcome == "allowed", (action, data, verdict)
            if data["new_status"] in edit_rules.CPD_SENDABLE_STATUSES:  # what trs-sync sends; Exempt goes by the console
                trs_status = data["new_status"]
                settled_completed = _date(data["completed_date"])
        seen = len(changes_of(svc, trn))
    with UnitOfWork(svc.db, producer="inductions") as uow:
        induction = uow.session.query(Induction).filter_by(trn=trn).first()
        derived = induction.status() if induction else "None"
    if derived in edit_rules.CPD_SENDABLE_STATUSES:
        assert trs_status == derived, (steps, trs_status, derived)
