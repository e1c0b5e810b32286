from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register
from ecf_shared.contracts.fields import INDUCTION_STATUSES, TRN


class HeldInductionSchema(Schema):
    status = fields.String(required=True)
    start_date = fields.Date(allow_none=True, load_default=None)
    completed_date = fields.Date(allow_none=True, load_default=None)


class StatusChangedSchema(Schema):
    induction_id = fields.UUID(required=True)
    trn = TRN(required=True)
    old_status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(INDUCTION_STATUSES))
    new_status = fields.String(required=True, validate=validate.OneOf(INDUCTION_STATUSES))
    start_date = fields.Date(allow_none=True, load_default=None)
    completed_date = fields.Date(allow_none=True, load_default=None)
    changed_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("cpd", "trs")))
    reason = fields.String(allow_none=True, load_default=None)
    appeal_lodged_on = fields.Date(allow_none=True, load_default=None,
                                   metadata={"description": "when the change decides an appeal: the day it was lodged"})
    imported = fields.Boolean(load_default=False, metadata={
        "description": "the in-flight import recorded the induction as the legacy service held it"})
    trs_induction = fields.Nested(HeldInductionSchema, allow_none=True, load_default=None, metadata={
        "description": "imported: the induction TRS held when the import checked it (trs-sync sends nothing when "
                       "it is the new one)"})


register(
    Contract("inductions.induction.status_changed", 1, "inductions", ("lp-api", "trs-sync"), StatusChangedSchema,
             "A teacher's derived induction status changed; trs-sync sends permitted CPD changes to TRS.",
             ("induction_id",)),
)


class PeriodSchema(Schema):
    period_id = fields.UUID(required=True)
    induction_id = fields.UUID(required=True)
    trn = TRN(required=True)
    appropriate_body_id = fields.UUID(required=True)
    started_on = fields.Date(required=True)
    finished_on = fields.Date(allow_none=True, load_default=None)
    number_of_terms = fields.Decimal(allow_none=True, load_default=None, as_string=True, places=1)
    outcome = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("pass", "fail")))
    training_programme = fields.String(allow_none=True, load_default=None)


class ExtensionSchema(Schema):
    extension_id = fields.UUID(required=True)
    induction_id = fields.UUID(required=True)
    trn = TRN(required=True)
    terms = fields.Decimal(required=True, as_string=True, places=1)
    terms_required = fields.Decimal(required=True, as_string=True, places=1)


class AppealSchema(Schema):
    appeal_id = fields.UUID(required=True)
    induction_id = fields.UUID(required=True)
    trn = TRN(required=True)
    period_id = fields.UUID(required=True)
    lodged_on = fields.Date(required=True)
    decision = fields.String(allow_none=True, load_default=None,
                             validate=validate.OneOf(("dismissed", "upheld_continue", "upheld_replace")))
    decided_on = fields.Date(allow_none=True, load_default=None)
    replacement_outcome = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("pass",)))


class ExemptionSchema(Schema):
    induction_id = fields.UUID(required=True)
    trn = TRN(required=True)
    reason = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("cpd", "trs")))


register(
    Contract("inductions.period.opened", 1, "inductions", (), PeriodSchema,
             "An appropriate body claimed an ECT: an induction period opened."),
    Contract("inductions.period.closed", 1, "inductions", ("lp-api",), PeriodSchema,
             "An induction period closed with a pass, a fail or a release (no outcome).", ("induction_id",)),
    Contract("inductions.period.updated", 1, "inductions", (), PeriodSchema,
             "An induction period's dates, terms or outcome were corrected, or an admin reopened it."),
    Contract("inductions.extension.recorded", 1, "inductions", (), ExtensionSchema,
             "An extension was added or edited; terms required = 6 + extensions."),
    Contract("inductions.appeal.lodged", 1, "inductions", (), AppealSchema, "An appeal against a fail was lodged."),
    Contract("inductions.appeal.decided", 1, "inductions", (), AppealSchema, "An appeal was decided."),
    Contract("inductions.exemption.recorded", 1, "inductions", (), ExemptionSchema,
             "An exemption was recorded (from CPD, or a permitted TRS console change); it closes the CPD record."),
)
