"""The steps of registering an ECT and a mentor, and what the answers become: the command registrations takes,
and the rows of the check-answers page. Which teachers may be registered is registrations' decision (its check
endpoint answers before the remaining questions are asked); these steps only read answers."""
from __future__ import annotations

from datetime import date

from portal.domain.answers import academic_year
from portal.domain.wizard import Step, Wizard

WORKING_PATTERNS = {"full_time": "Full time", "part_time": "Part time"}
PROGRAMMES = {"provider_led": "Provider-led", "school_led": "School-led"}


def asks_school(answers: dict) -> bool:
    return bool(answers.get("_ask_school"))


def registered_elsewhere(answers: dict) -> bool:
    return bool((answers.get("teacher") or {}).get("registered_elsewhere"))


def has_previous_choices(answers: dict) -> bool:
    return bool(answers.get("_previous_choices"))


def own_choices(answers: dict) -> bool:
    return not answers.get("use_previous")


def provider_led(answers: dict) -> bool:
    return own_choices(answers) and answers.get("training_programme") == "provider_led"


REGISTER_ECT = Wizard("register-ect", (
    Step("which-school", ("school_id",), asks_school, drop_when_skipped=False),
    Step("find-ect", ("trn", "date_of_birth", "teacher")),
    Step("moving-school", ("moving",), registered_elsewhere),
    Step("review-ect", ("reviewed",)),
    Step("email", ("email",)),
    Step("start-date", ("started_on",)),
    Step("working-pattern", ("working_pattern",)),
    Step("use-previous-choices", ("use_previous",), has_previous_choices),
    Step("appropriate-body", ("appropriate_body_id",), own_choices),
    Step("training-programme", ("training_programme",), own_choices),
    Step("lead-provider", ("lead_provider_id",), provider_led),
))

REGISTER_MENTOR = Wizard("register-mentor", (
    Step("which-school", ("school_id",), asks_school, drop_when_skipped=False),
    Step("find-mentor", ("trn", "date_of_birth", "teacher")),
    Step("review-mentor", ("reviewed",)),
    Step("email", ("email",)),
    Step("start-date", ("started_on",)),
    Step("lead-provider", ("lead_provider_id",)),
))


def ect_choices(answers: dict) -> dict:
    """The appropriate body, programme and lead provider: the user's own, or those of the school's last ECT."""
    if answers.get("use_previous"):
        previous = answers["_previous_choices"]
        return {"appropriate_body_id": previous.get("appropriate_body_id"),
                "training_programme": previous["training_programme"],
                "lead_provider_id": previous.get("lead_provider_id") if previous["training_programme"] == "provider_led"
                else None}
    return {"appropriate_body_id": answers.get("appropriate_body_id"),
            "training_programme": answers["training_programme"],
            "lead_provider_id": answers.get("lead_provider_id") if answers["training_programme"] == "provider_led"
            else None}


def ect_command(answers: dict) -> dict:
    started_on = date.fromisoformat(answers["started_on"])
    return {"school_id": answers["school_id"], "trn": answers["trn"], "date_of_birth": answers["date_of_birth"],
            "started_on": answers["started_on"], "email": answers["email"],
            "working_pattern": answers["working_pattern"], **ect_choices(answers),
            "cohort": academic_year(started_on), "moving_from_another_school": bool(answers.get("moving"))}


def mentor_command(answers: dict) -> dict:
    started_on = date.fromisoformat(answers["started_on"])
    return {"school_id": answers["school_id"], "trn": answers["trn"], "date_of_birth": answers["date_of_birth"],
            "started_on": answers["started_on"], "email": answers["email"], "training_programme": "provider_led",
            "lead_provider_id": answers["lead_provider_id"], "cohort": academic_year(started_on)}


# Which step a field the service refused at the end belongs to (its "Change" link on check answers).
FIELD_STEPS = {"school_id": "which-school", "trn": "find-ect", "date_of_birth": "find-ect", "email": "email",
               "started_on": "start-date", "cohort": "start-date", "working_pattern": "working-pattern",
               "appropriate_body_id": "appropriate-body", "training_programme": "training-programme",
               "lead_provider_id": "lead-provider"}
