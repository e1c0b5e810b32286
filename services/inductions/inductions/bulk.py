"""An appropriate body's bulk files: claims, and outcomes (pass or release: a fail is never recorded in bulk, it needs
the confirmation about the right to appeal). Every row is tried in one transaction, each in its own savepoint, so
each row meets the rules as it would alone and after the rows above it; any row's error (outside a time window
included) leaves nothing applied, and every bad row is listed by line."""
from __future__ import annotations

from datetime import date

from marshmallow import Schema, validate

from ecf_shared.bulk_csv import FileFormat, check_every_row
from ecf_shared.uow import UnitOfWork
from ecf_shared.web import fields
from inductions import commands
from inductions.domain.rules import PROGRAMMES
from inductions.views import induction_view

CLAIMS = FileFormat(columns=("trn", "date_of_birth", "training_programme", "started_on"),
                    optional=("training_programme",))
OUTCOMES = FileFormat(columns=("trn", "date_of_birth", "finished_on", "number_of_terms", "outcome"),
                      optional=("date_of_birth",))
TRN = validate.Regexp(r"^\d{7}$", error="A TRN is 7 digits.")


class ClaimRowSchema(Schema):
    trn = fields.String(required=True, validate=TRN)
    date_of_birth = fields.Date(required=True)
    started_on = fields.Date(required=True)
    training_programme = fields.String(load_default=None, validate=validate.OneOf(PROGRAMMES))


class OutcomeRowSchema(Schema):
    trn = fields.String(required=True, validate=TRN)
    date_of_birth = fields.Date(load_default=None, metadata={"description": "accepted for the current service's "
                                                                            "file layout; not checked"})
    finished_on = fields.Date(required=True)
    number_of_terms = fields.Decimal(required=True, places=None, allow_nan=False)
    outcome = fields.String(required=True, validate=validate.OneOf(
        ("pass", "release"), error="Must be pass or release (a fail is never recorded in a file)."))


class _OneTransaction:
    """The unit of work as the commands see it inside a bulk job: their commits only flush, their rollbacks are the
    row's savepoint's (the job commits once, or not at all)."""

    def __init__(self, uow: UnitOfWork):
        self._uow = uow

    def commit(self) -> None:
        self._uow.session.flush()

    def rollback(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._uow, name)


def _apply(uow: UnitOfWork, rows, change, *, nothing_done: str) -> list[dict]:
    job = _OneTransaction(uow)

    def row(cmd):
        with uow.session.begin_nested():
            return change(job, cmd)

    done = check_every_row(rows, row, key=lambda cmd: cmd["trn"], key_field="trn", nothing_done=nothing_done)
    uow.commit()
    return done


def claim_all(uow: UnitOfWork, caller: commands.Caller, rows, lookup, today: date, *, token: str | None) -> list[dict]:
    return _apply(uow, rows, lambda job, cmd: induction_view(
        commands.claim(job, caller, cmd, lookup, today, token=token), caller.scope), nothing_done="nobody was claimed")


def record_all(uow: UnitOfWork, caller: commands.Caller, rows, today: date) -> list[dict]:
    return _apply(uow, rows, lambda job, cmd: induction_view(
        commands.record_outcome(job, caller, cmd["trn"], cmd, today), caller.scope),
        nothing_done="no outcome was recorded")
