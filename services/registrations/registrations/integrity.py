"""What the database's refusals mean to a caller.

The domain rules refuse bad changes first; the database's constraints and deferred checks (migrations 0001-0003) are
the backstop for what two requests can do at the same moment. When one of them refuses, the caller gets a clear 409
naming the rule instead of a 500."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ecf_shared.errors import AppError, Conflict
from ecf_shared.logging import get_logger
from ecf_shared.uow import UnitOfWork

log = get_logger(__name__)

RELOAD = "It may have changed at the same moment; reload and try again."

REFUSALS = {
    "training_period_inside_its_period": (
        "training_outside_registration",
        f"A training period must lie inside the teacher's time at the school. {RELOAD}"),
    "mentorship_inside_both_periods": (
        "mentorship_outside_periods",
        f"A mentorship must lie inside both the ECT's and the mentor's time at the school. {RELOAD}"),
    "ect_periods_never_overlap": (
        "registered_elsewhere", "This teacher's ECT registrations would overlap; an ECT is at one school at a time."),
    "ect_periods_one_open": ("already_registered", "This teacher already has an open ECT registration."),
    "mentor_periods_never_overlap_at_a_school": (
        "already_mentoring_here", "This teacher is already registered as a mentor at this school for those dates."),
    "a_mentees_mentorships_never_overlap": ("mentorship_overlaps", "This ECT already has a mentor for those dates."),
    "training_periods_never_overlap": ("training_overlaps", f"Training periods would overlap. {RELOAD}"),
    "mentor_training_periods_never_overlap": ("training_overlaps", f"Training periods would overlap. {RELOAD}"),
    "teachers_trn_key": ("already_registered", f"This teacher was registered at the same moment. {RELOAD}"),
}


def constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def refusal(error: IntegrityError, default: AppError | None = None) -> AppError:
    """The clear error for a database refusal: the rule's own, else `default`, else a generic conflict."""
    name = constraint_name(error)
    log.warning("database_refused_change", constraint=name, error=str(error.orig)[:300])
    if name in REFUSALS:
        code, message = REFUSALS[name]
        return Conflict(message, code=code)
    return default or Conflict(f"This change conflicts with another. {RELOAD}", code="conflict")


def commit(uow: UnitOfWork, default: AppError | None = None) -> None:
    """Commit; the deferred checks run now, and a refusal rolls everything back and becomes a clear error."""
    try:
        uow.commit()
    except IntegrityError as error:
        uow.rollback()
        raise refusal(error, default) from None


def register_error_handler(app) -> None:
    """Backstop for any refusal a command did not translate itself: a 409 in the one error format, never a 500."""
    from ecf_shared.web.errors import error_response

    def _refused(error: IntegrityError):
        conflict = refusal(error)
        return error_response(conflict.status, conflict.code, conflict.message)

    app.register_error_handler(IntegrityError, _refused)
