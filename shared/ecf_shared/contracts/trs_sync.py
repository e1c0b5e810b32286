from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register
from ecf_shared.contracts.fields import INDUCTION_STATUSES, TRN


class InductionStateSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(INDUCTION_STATUSES))
    start_date = fields.Date(allow_none=True, load_default=None)
    completed_date = fields.Date(allow_none=True, load_default=None)


class ChangedInTrsSchema(Schema):
    trn = TRN(required=True)
    cpd = fields.Nested(InductionStateSchema, required=True, metadata={"description": "what CPD last sent"})
    trs = fields.Nested(InductionStateSchema, required=True, metadata={"description": "what TRS holds now"})
    classification = fields.String(required=True, validate=validate.OneOf(("permitted", "manual_review")))
    rule = fields.String(required=True, metadata={"description": "the edit rule's reason code"})
    detected_at = fields.AwareDateTime(required=True)


register(
    Contract("trs-sync.induction.changed_in_trs", 1, "trs-sync", ("inductions",), ChangedInTrsSchema,
             "Drift detection found TRS differs from what CPD last sent: a permitted console change "
             "(In Progress → Exempt) for inductions to apply, or one raised for manual review."),
)
