"""Wizards, as RECT builds them: one step per page, the answers held server-side per wizard run, and a guard that
sends anyone who jumps ahead to the first step they have not answered yet.

A wizard is a list of steps; each step sets some answers and applies only when earlier answers say so (a lead
provider only for provider-led training). Where to go next is always "the first step that applies and is not
answered", so changing an answer from the check-answers page asks only what that change now needs."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, UTC
from collections.abc import Callable

CHECK_ANSWERS = "check-answers"


def always(_answers: dict) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    name: str  # the page's URL segment
    keys: tuple[str, ...]  # the answers it sets
    applies: Callable[[dict], bool] = always
    # False for a step whose answer may come from elsewhere when it is not asked (the school, when the user has
    # only one): skipping the step keeps that answer.
    drop_when_skipped: bool = True

    def answered(self, answers: dict) -> bool:
        return all(k in answers for k in self.keys)


@dataclass(frozen=True)
class Wizard:
    name: str
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def path(self, answers: dict) -> list[Step]:
        return [s for s in self.steps if s.applies(answers)]

    def first_unanswered(self, answers: dict) -> str:
        return next((s.name for s in self.path(answers) if not s.answered(answers)), CHECK_ANSWERS)

    def may_visit(self, name: str, answers: dict) -> bool:
        """A step is reachable once every applying step before it is answered; check answers once all are."""
        for s in self.path(answers):
            if s.name == name:
                return True
            if not s.answered(answers):
                return False
        return name == CHECK_ANSWERS

    def previous(self, name: str, answers: dict) -> str | None:
        path = [s.name for s in self.path(answers)]
        if name == CHECK_ANSWERS:
            return path[-1] if path else None
        index = path.index(name) if name in path else 0
        return path[index - 1] if index > 0 else None

    def without_stale(self, answers: dict) -> dict:
        """Answers of steps that no longer apply are dropped (they must not reach the service)."""
        live = {k for s in self.path(answers) for k in s.keys}
        own = {k for s in self.steps if s.drop_when_skipped for k in s.keys}
        return {k: v for k, v in answers.items() if k in live or k not in own}


@dataclass
class Run:
    """One run of a wizard: its answers, the organisation it acts for, and once confirmed, what it made."""

    wizard: str
    organisation_id: str | None
    run_id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    answers: dict = field(default_factory=dict)
    confirm_token: str | None = None
    result: dict | None = None
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @classmethod
    def from_dict(cls, data: dict) -> Run:
        return cls(**data)

    def to_dict(self) -> dict:
        return {"wizard": self.wizard, "organisation_id": self.organisation_id, "run_id": self.run_id,
                "answers": self.answers, "confirm_token": self.confirm_token, "result": self.result,
                "started_at": self.started_at}

    def new_confirm_token(self) -> str:
        self.confirm_token = secrets.token_urlsafe(24)
        return self.confirm_token
