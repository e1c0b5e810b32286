"""What the appropriate body pages share: which appropriate bodies are in view, the names of things, a teacher's
induction as inductions shows it to this user, and what they may do with it now (inductions still decides)."""
from __future__ import annotations

from flask import request

from portal.domain.working_context import Organisation
from portal.http.base import current_context, section, services

STATUSES = {"None": "No induction", "RequiredToComplete": "Required to complete", "InProgress": "In progress",
            "Passed": "Passed", "Failed": "Failed", "FailedInWales": "Failed in Wales", "Exempt": "Exempt"}
OUTCOMES = {"pass": "Passed", "fail": "Failed", None: "Released (no outcome)"}
APPEAL_DECISIONS = {"dismissed": "Dismissed: the fail stands", "upheld_continue": "Upheld: the induction continues",
                    "upheld_replace": "Upheld: the outcome is replaced by a pass"}

in_section = section("appropriate_body")


def bodies() -> list[Organisation]:
    return current_context().in_view("appropriate_body")


def several_bodies() -> bool:
    return len(bodies()) > 1


def filtered_body() -> Organisation | None:
    """The appropriate body a list is filtered to (blended mode, `?appropriate_body=`), if it is one of the user's."""
    wanted = request.args.get("appropriate_body")
    return next((b for b in bodies() if b.id == wanted), None) if wanted else None


def body_name(body_id: str | None) -> str:
    body = next((b for b in bodies() if b.id == body_id), None)
    return body.name if body else "Another appropriate body"


def induction(trn: str) -> dict:
    """The teacher's induction with the periods of the user's appropriate bodies in view (404 from inductions when
    none of them has one: another appropriate body's teacher is not found)."""
    return services().get(f"/inductions/ects/{trn}")


def open_period(found: dict) -> dict | None:
    return next((p for p in found["periods"] if p["finished_on"] is None), None)


def outcome_period(found: dict) -> dict | None:
    return next((p for p in found["periods"] if p.get("outcome")), None)


def pending_appeal(found: dict) -> dict | None:
    return next((a for a in found["appeals"] if a.get("decision") is None), None)


def name(found: dict) -> str:
    return f"{found['first_name']} {found['last_name']}"
