"""The CPD/TRS edit rules: who may change which induction field, from what to what, and within which window.

Shared: trs-sync enforces them at the TRS boundary, and inductions' tests check that every change it publishes is one
they permit.

One declarative table, versioned. Its status rows are built from ecf_shared.induction_transitions (the table
inductions enforces), so the two cannot drift apart; the rows written here add what matters at the TRS
boundary: dates, exemptions, the TRS console, and TRS's rule that an induction written by CPD is CPD's to
manage until its completed date is seven years old.

A rule names a `state` and a `change`:
- field "status": state = the status before, change = the status after;
- fields "start_date" / "completed_date": state = the induction's status, change = "set" or "clear";
- field "exemption": state = the induction's status, change = "grant" or "remove".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecf_shared import induction_transitions as transitions
from ecf_shared.dates import add_years

RULES_VERSION = "2026-09.1"

FIELDS = ("status", "start_date", "completed_date", "exemption")
ACTORS = ("cpd_console", "trs_console", "appropriate_body", "school", "system")
CPD_ACTORS = tuple(a for a in ACTORS if a != "trs_console")
# What TRS can hold: CPD's statuses plus two only TRS records.
STATUSES = ("None", *transitions.STATUSES, "FailedInWales")
CHANGES = {"status": STATUSES, "start_date": ("set", "clear"), "completed_date": ("set", "clear"),
           "exemption": ("grant", "remove")}
# Who made a change, from the event's actor type, as the rules name them.
EVENT_ACTORS = {"staff": "cpd_console", "appropriate_body_user": "appropriate_body", "school_user": "school"}
# What TRS's cpd-induction endpoint accepts; anything else (Exempt, FailedInWales, None) CPD cannot send.
CPD_SENDABLE_STATUSES = frozenset({"RequiredToComplete", "InProgress", "Passed", "Failed"})
# induction_transitions names actors as inductions sees them; here they are named as TRS sees them.
ACTOR_NAMES = {"staff_admin": "cpd_console", "trs_console": "trs_console", "appropriate_body": "appropriate_body",
               "school": "school", "system": "system"}

REASONS = {
    "allowed": "Allowed.",
    "no_change": "Nothing changes.",
    "not_managed_by_cpd": "CPD does not manage this induction, so TRS records it.",
    "actor_not_allowed": "This change is allowed, but not to you: {allowed} may make it.",
    "no_such_change": "Nobody may make this change.",
    "passed_needs_cpd_record": "A pass can only be recorded through CPD, by the appropriate body that holds the "
                               "induction record, so that the record is closed properly.",
    "managed_by_cpd": "CPD manages this induction until its completed date is {years} years old: the TRS console "
                      "may only change In Progress to Exempt. Make this change in CPD.",
    "outside_window": "This must happen within {windows}; it has been passed to DfE staff for manual handling.",
    "no_longer_managed_by_cpd": "The induction was completed over {years} years ago, so TRS no longer treats it as "
                                "CPD's; it has been passed to DfE staff for manual handling.",
}


Window = transitions.Window  # one window check for the table and the rules


@dataclass(frozen=True)
class Rule:
    name: str
    field: str
    state: str
    change: str
    actors: tuple[str, ...]
    windows: tuple[Window, ...]  # any one will do; none = no time limit
    description: str

    def to_dict(self) -> dict:
        return {"name": self.name, "field": self.field, "state": self.state, "change": self.change,
                "actors": list(self.actors), "description": self.description,
                "windows": [{"anchor": w.anchor, "days": w.days} for w in self.windows]}


def _status_rules() -> tuple[Rule, ...]:
    """One rule per status change in the inductions table (a change several actions make is one rule)."""
    grouped: dict[tuple[str, str], list[transitions.Transition]] = {}
    for t in transitions.TRANSITIONS:
        if t.from_status != t.to_status:
            grouped.setdefault((t.from_status, t.to_status), []).append(t)
    rules = []
    for (state, change), ts in grouped.items():
        actors = tuple(a for a in ACTORS if any(ACTOR_NAMES.get(x) == a for t in ts for x in t.actors))
        unlimited = any(t.window is None for t in ts)
        windows = () if unlimited else tuple(dict.fromkeys(Window(t.window.anchor, t.window.days) for t in ts))
        rules.append(Rule("/".join(t.action for t in ts), "status", state, change, actors, windows,
                          " Or: ".join(t.description for t in ts)))
    return tuple(rules)


CORRECTION = (Window("outcome", transitions.OUTCOME_CORRECTION_DAYS),)
RULES: tuple[Rule, ...] = (
    *_status_rules(),
    Rule("set_start_in_progress", "start_date", "InProgress", "set", ("appropriate_body", "cpd_console"), (),
         "The start date follows the first induction period, while the induction is in progress."),
    *(Rule(f"correct_{f}_{s.lower()}", f, s, "set", ("appropriate_body", "cpd_console"), CORRECTION,
           f"A {f.replace('_', ' ')} recorded in error is corrected while an appeal could still be lodged.")
      for f in ("start_date", "completed_date") for s in ("Passed", "Failed")),
    Rule("exempt_before_start", "exemption", "RequiredToComplete", "grant", ("cpd_console",), (),
         transitions.by_action("exempt_before_start").description),
    Rule("exempt_in_progress", "exemption", "InProgress", "grant", ("cpd_console", "trs_console"), (),
         transitions.by_action("exempt_in_progress").description),
)


@dataclass(frozen=True)
class Proposal:
    field: str
    actor: str
    state: str
    change: str
    today: date
    outcome_on: date | None = None  # defaults to completed_date
    appeal_lodged_on: date | None = None
    completed_date: date | None = None  # the induction's, for the seven-year rule
    written_by_cpd: bool = True

    def anchors(self) -> dict[str, date | None]:
        return {"outcome": self.outcome_on or self.completed_date, "appeal_lodged": self.appeal_lodged_on}

    def managed_by_cpd(self) -> bool:
        if not self.written_by_cpd:
            return False
        return self.completed_date is None or self.today < add_years(self.completed_date, transitions.CPD_MANAGED_YEARS)


@dataclass(frozen=True)
class Decision:
    outcome: str  # allowed | denied | manual_handling
    reason_code: str
    message: str
    rule: str | None = None

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, "reason_code": self.reason_code, "message": self.message,
                "rule": self.rule, "rules_version": RULES_VERSION}


NO_CHANGE = Decision("allowed", "no_change", REASONS["no_change"])


def evaluate(p: Proposal) -> Decision:
    """May `p.actor` make this change, today?"""
    if p.field not in FIELDS or p.actor not in ACTORS or p.change not in CHANGES[p.field] or p.state not in STATUSES:
        raise ValueError(f"not a change the rules know: {p}")
    if p.field == "status" and p.state == p.change:
        return NO_CHANGE
    if not p.managed_by_cpd():
        if p.actor == "trs_console":
            return _decide("allowed", "not_managed_by_cpd")
        if p.written_by_cpd:
            return _decide("manual_handling", "no_longer_managed_by_cpd", years=transitions.CPD_MANAGED_YEARS)
    matching = [r for r in RULES if (r.field, r.state, r.change) == (p.field, p.state, p.change)]
    mine = [r for r in matching if p.actor in r.actors]
    if mine:
        rule = next((r for r in mine if not r.windows or any(w.allows(p.anchors(), p.today) for w in r.windows)), None)
        if rule is not None:
            return _decide("allowed", "allowed", rule=rule.name)
        return _decide("manual_handling", "outside_window", rule=mine[0].name,
                       windows=" or ".join(w.describe() for w in mine[0].windows))
    if p.field == "status" and p.change == "Passed":
        return _decide("denied", "passed_needs_cpd_record")
    if p.actor == "trs_console":
        return _decide("denied", "managed_by_cpd", years=transitions.CPD_MANAGED_YEARS)
    if matching:
        allowed = ", ".join(a.replace("_", " ") for r in matching for a in r.actors)
        return _decide("denied", "actor_not_allowed", rule=matching[0].name, allowed=allowed)
    return _decide("denied", "no_such_change")


def table() -> dict:
    return {"version": RULES_VERSION, "fields": list(FIELDS), "actors": list(ACTORS), "statuses": list(STATUSES),
            "cpd_managed_years": transitions.CPD_MANAGED_YEARS, "rules": [r.to_dict() for r in RULES],
            "reasons": dict(REASONS)}


def _decide(outcome: str, code: str, *, rule: str | None = None, **values) -> Decision:
    return Decision(outcome, code, REASONS[code].format(**values), rule)
