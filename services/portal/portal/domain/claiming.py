"""The steps of claiming an ECT for an appropriate body, and the command inductions takes. Whether a teacher may be
claimed is inductions' decision (its check answers before the remaining questions are asked)."""
from __future__ import annotations

from datetime import date

from portal.domain.registering import PROGRAMMES
from portal.domain.wizard import Step, Wizard

__all__ = ["CLAIM_ECT", "PROGRAMMES", "REFUSAL_PAGES", "claim_command", "start_date_problem"]
EARLIEST_START = date(1999, 9, 1)


def asks_appropriate_body(answers: dict) -> bool:
    return bool(answers.get("_ask_appropriate_body"))


CLAIM_ECT = Wizard("claim-ect", (
    Step("which-appropriate-body", ("appropriate_body_id",), asks_appropriate_body, drop_when_skipped=False),
    Step("find-ect", ("trn", "date_of_birth", "teacher")),
    Step("review-ect", ("reviewed",)),
    Step("start-date", ("started_on",)),
    Step("training-programme", ("training_programme",)),
))

# inductions' refusal codes → the page that explains each
REFUSAL_PAGES = {"teacher_not_found": "not-found", "teacher_deactivated": "not-found",
                 "claimed_by_another_appropriate_body": "claimed-elsewhere", "already_claimed": "already-claimed",
                 "induction_already_completed": "induction-completed", "prohibited_from_teaching": "prohibited",
                 "no_qts": "no-qts"}


def start_date_problem(day: date, today: date, qts_awarded_on: str | None) -> str | None:
    if day > today:
        return "Induction start date cannot be in the future"
    if day < EARLIEST_START:
        return "Induction start date must be on or after 1 September 1999"
    if qts_awarded_on and day < date.fromisoformat(qts_awarded_on):
        return "Induction start date must be on or after the date they were awarded QTS"
    return None


def claim_command(answers: dict) -> dict:
    return {"appropriate_body_id": answers["appropriate_body_id"], "trn": answers["trn"],
            "date_of_birth": answers["date_of_birth"], "started_on": answers["started_on"],
            "training_programme": answers["training_programme"]}
