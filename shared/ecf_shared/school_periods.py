"""When a teacher's registration at a school counts as current: one rule for registrations' lists and for what
inductions shows a school of its ECTs."""
from __future__ import annotations

from datetime import date


def registration_status(finished_on: date | None, today: date) -> str:
    """`current` while the registration has not finished (or finishes after today); `left` from its last day on."""
    return "current" if finished_on is None or finished_on > today else "left"
