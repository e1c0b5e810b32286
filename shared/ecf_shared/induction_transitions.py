"""The one table of induction status transitions: who may make each, and in which time window.

inductions enforces it (and publishes it at an endpoint); trs-sync's edit rules must agree with it
for every change that reaches TRS (a test in trs-sync checks that). Outside its window a transition
is not refused silently: it becomes a manual-handling item.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

STATUSES = ("RequiredToComplete", "InProgress", "Passed", "Failed", "Exempt")
ACTORS = ("school", "appropriate_body", "staff_admin", "system", "trs_console")

APPEAL_LODGING_DAYS = 30  # an appeal against a fail is lodged within 30 days of the outcome
APPEAL_DECISION_DAYS = 365  # the decision may take longer, but not for ever
OUTCOME_CORRECTION_DAYS = 30  # pass/fail reversals and admin reopening only while an appeal could still be lodged
CPD_MANAGED_YEARS = 7  # TRS treats an induction written by CPD as CPD's until its completed date is this old


# TRS's induction exemption reasons (its "induction exemption reason" list, as codes). The TRS console
# records its own reason, which it does not send us: `recorded_in_trs` stands for that one.
EXEMPTION_REASONS = {
    "qualified_before_7_may_2000": "Qualified before 7 May 2000",
    "qualified_in_wales_1999_2003": "Qualified between 7 May 1999 and 1 April 2003; first post in Wales lasting two terms",
    "passed_induction_in_northern_ireland": "Passed induction in Northern Ireland",
    "passed_induction_in_guernsey": "Passed induction in Guernsey",
    "passed_induction_in_jersey": "Passed induction in Jersey",
    "passed_induction_in_isle_of_man": "Passed induction in the Isle of Man",
    "passed_induction_in_gibraltar": "Passed probation in Gibraltar",
    "passed_induction_in_sce_germany_or_cyprus": "Passed induction in Service Children's Education schools in Germany or Cyprus",
    "full_registration_in_scotland": "Has, or is eligible for, full registration in Scotland",
    "overseas_trained_teacher": "Overseas trained teacher with QTS awarded through recognition",
    "qtls_with_set_membership": "Holds QTLS and keeps membership of the Society for Education and Training",
    "two_years_experience_registered_teacher": "Registered teacher with at least two years' full-time teaching experience",
    "recorded_in_trs": "Recorded as exempt in the TRS console",
}


@dataclass(frozen=True)
class Window:
    """Within `days` days (inclusive) after the named anchor date, and not before it: the one window check, used by
    this table and by the edit rules alike. An anchor after `today` (an outcome dated in the future) is outside."""

    anchor: str  # "outcome" | "appeal_lodged"
    days: int

    def allows(self, anchors: dict[str, date | None], today: date) -> bool:
        start = anchors.get(self.anchor)
        return start is not None and 0 <= (today - start).days <= self.days

    def describe(self) -> str:
        return f"{self.days} days of the {self.anchor.replace('_', ' ')}"


@dataclass(frozen=True)
class Transition:
    action: str
    from_status: str
    to_status: str
    actors: tuple[str, ...]
    window: Window | None
    sends_to_trs: bool
    description: str

    def to_dict(self) -> dict:
        d = asdict(self)
        d["actors"] = list(self.actors)
        return d


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    T("register", "None", "RequiredToComplete", ("school", "system"), None, True,
      "A school registers an ECT: CPD opens an in-flight induction record."),
    T("claim", "RequiredToComplete", "InProgress", ("appropriate_body",), None, True,
      "An appropriate body claims the ECT and opens the first induction period."),
    T("claim_after_release", "InProgress", "InProgress", ("appropriate_body",), None, False,
      "Another appropriate body claims after a release; the status does not change."),
    T("release", "InProgress", "InProgress", ("appropriate_body",), None, False,
      "The appropriate body closes its period without an outcome."),
    T("pass", "InProgress", "Passed", ("appropriate_body",), None, True, "The appropriate body records a pass."),
    T("fail", "InProgress", "Failed", ("appropriate_body",), None, True,
      "The appropriate body records a fail, having told the ECT of the right to appeal."),
    T("lodge_appeal", "Failed", "Failed", ("appropriate_body", "staff_admin"),
      Window("outcome", APPEAL_LODGING_DAYS), False, "An appeal against the fail is lodged."),
    T("appeal_upheld_continue", "Failed", "InProgress", ("staff_admin",),
      Window("appeal_lodged", APPEAL_DECISION_DAYS), True,
      "The appeal is upheld and the induction continues: the fail is reversed and the period reopened."),
    T("appeal_upheld_replace", "Failed", "Passed", ("staff_admin",),
      Window("appeal_lodged", APPEAL_DECISION_DAYS), True, "The appeal is upheld and the outcome replaced by a pass."),
    T("appeal_dismissed", "Failed", "Failed", ("staff_admin",), Window("appeal_lodged", APPEAL_DECISION_DAYS), False,
      "The appeal is dismissed; the fail stands."),
    T("correct_pass_to_fail", "Passed", "Failed", ("staff_admin",), Window("outcome", OUTCOME_CORRECTION_DAYS), True,
      "A pass recorded in error is corrected to a fail."),
    T("correct_fail_to_pass", "Failed", "Passed", ("staff_admin",), Window("outcome", OUTCOME_CORRECTION_DAYS), True,
      "A fail recorded in error is corrected to a pass."),
    T("admin_reopen_passed", "Passed", "InProgress", ("staff_admin",), Window("outcome", OUTCOME_CORRECTION_DAYS), True,
      "Staff reopen the latest period (note or ticket required)."),
    T("admin_reopen_failed", "Failed", "InProgress", ("staff_admin",), Window("outcome", OUTCOME_CORRECTION_DAYS), True,
      "Staff reopen the latest period (note or ticket required)."),
    T("exempt_before_start", "RequiredToComplete", "Exempt", ("staff_admin",), None, False,
      "Staff record an exemption before induction starts (CPD cannot send Exempt; TRS records it)."),
    T("exempt_in_progress", "InProgress", "Exempt", ("staff_admin", "trs_console"), None, False,
      "An exemption during induction: the only change the TRS console may make to an induction in progress."),
    T("record_extension", "InProgress", "InProgress", ("appropriate_body", "staff_admin"), None, False,
      "An extension is added or edited while the induction is in progress; terms required = 6 + extensions."),
)


def find(from_status: str, to_status: str, action: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.from_status == from_status and t.to_status == to_status
            and (action is None or t.action == action)]


def by_action(action: str) -> Transition:
    for t in TRANSITIONS:
        if t.action == action:
            return t
    raise KeyError(action)


@dataclass(frozen=True)
class Decision:
    outcome: str  # "allowed" | "denied" | "manual_handling"
    reason_code: str
    message: str
    transition: Transition | None = None


def decide(action: str, actor: str, from_status: str, anchors: dict[str, date | None], today: date) -> Decision:
    """May `actor` do `action` to an induction whose status is `from_status`, today?"""
    try:
        t = by_action(action)
    except KeyError:
        return Decision("denied", "unknown_action", f"There is no action called {action}.")
    if t.from_status != from_status:
        return Decision("denied", "wrong_status",
                        f"{action.replace('_', ' ').capitalize()} needs the induction to be {t.from_status}; it is {from_status}.", t)
    if actor not in t.actors:
        return Decision("denied", "actor_not_allowed",
                        f"{actor.replace('_', ' ').capitalize()} may not {action.replace('_', ' ')}.", t)
    if t.window is not None and not t.window.allows(anchors, today):
        return Decision("manual_handling", "outside_window",
                        f"This must happen within {t.window.days} days of the {t.window.anchor.replace('_', ' ')}; "
                        "it has been passed to DfE staff for manual handling.", t)
    return Decision("allowed", "allowed", "Allowed.", t)
