"""What callers read about an induction: an appropriate body sees only its own periods (and their appeals)."""
from __future__ import annotations

from marshmallow import Schema

from ecf_shared.web import fields
from inductions.domain.model import Induction

DECIMAL = dict(as_string=True, places=1)


class PeriodSchema(Schema):
    id = fields.String()
    appropriate_body_id = fields.String()
    started_on = fields.Date()
    finished_on = fields.Date(allow_none=True)
    number_of_terms = fields.Decimal(allow_none=True, **DECIMAL)
    training_programme = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    appeal_notice_on = fields.Date(allow_none=True)


class ExtensionSchema(Schema):
    id = fields.String()
    terms = fields.Decimal(**DECIMAL)
    appropriate_body_id = fields.String(allow_none=True)


class AppealSchema(Schema):
    id = fields.String()
    period_id = fields.String()
    lodged_on = fields.Date()
    decision = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)


class ExemptionSchema(Schema):
    reason = fields.String()
    source = fields.String()
    exempted_on = fields.Date()


class NamedOrganisationSchema(Schema):
    id = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "None until accounts' event about it arrives"})


class SchoolShownSchema(Schema):
    school_id = fields.String()
    name = fields.String(allow_none=True)
    urn = fields.String(allow_none=True)
    started_on = fields.Date(allow_none=True)
    reported_appropriate_body = fields.Nested(NamedOrganisationSchema, allow_none=True, metadata={
        "description": "the appropriate body the school reports for this ECT"})


class InductionSchema(Schema):
    id = fields.String()
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    status = fields.String(metadata={"description": "Derived from periods, outcome, appeals and exemption."})
    start_date = fields.Date(allow_none=True)
    completed_date = fields.Date(allow_none=True)
    terms_required = fields.Decimal(**DECIMAL)
    periods = fields.List(fields.Nested(PeriodSchema))
    extensions = fields.List(fields.Nested(ExtensionSchema))
    appeals = fields.List(fields.Nested(AppealSchema))
    exemption = fields.Nested(ExemptionSchema, allow_none=True)
    schools = fields.List(fields.Nested(SchoolShownSchema), metadata={
        "description": "GET /ects/{trn} only: for context, the schools where the teacher is registered now"})


def induction_view(induction: Induction, appropriate_body_ids: set[str] | frozenset[str] | None) -> dict:
    """`appropriate_body_ids`: whose periods the reader may see; None for DfE staff (all of them)."""
    periods = [p for p in induction.periods if appropriate_body_ids is None or p.appropriate_body_id in appropriate_body_ids]
    period_ids = {p.id for p in periods}
    return {
        "id": induction.id, "trn": induction.trn, "first_name": induction.first_name, "last_name": induction.last_name,
        "status": induction.status(), "start_date": induction.start_date(), "completed_date": induction.completed_date(),
        "terms_required": induction.terms_required(), "periods": periods, "extensions": induction.extensions,
        "appeals": [a for a in induction.appeals if a.period_id in period_ids], "exemption": induction.exemption,
    }
