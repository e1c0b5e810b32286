from marshmallow import Schema, fields, validate

from ecf_shared.contracts import Contract, register
from ecf_shared.contracts.fields import INDUCTION_STATUSES, TRN


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


register(
    Contract("inductions.induction.status_changed", 1, "inductions", ("trs-sync", "lp-api"), StatusChangedSchema,
             "A teacher's derived induction status changed; trs-sync sends permitted CPD changes to TRS."),
)
