"""Field types the contracts share."""
from marshmallow import fields, validate

TRN = lambda **kw: fields.String(validate=validate.Regexp(r"^\d{7}$"), **kw)  # noqa: E731
URN = lambda **kw: fields.String(validate=validate.Regexp(r"^\d{6}$"), **kw)  # noqa: E731
INDUCTION_STATUSES = ("None", "RequiredToComplete", "InProgress", "Passed", "Failed", "FailedInWales", "Exempt")
ORGANISATION_TYPES = ("school", "lead_provider", "delivery_partner", "appropriate_body", "training_provider", "dfe")
