"""The edit rules over HTTP, so both admin consoles can ask before they offer an edit."""
from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, validate, validates_schema

from ecf_shared import edit_rules as rules
from ecf_shared.web import fields

blp = Blueprint("edit_rules", __name__, url_prefix="/edit-rules",
                description="Who may change which induction field in CPD and TRS, and when")


class ProposedChangeSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(rules.FIELDS))
    actor = fields.String(required=True, validate=validate.OneOf(rules.ACTORS))
    from_ = fields.Raw(data_key="from", required=True, allow_none=True,
                       metadata={"description": "status: the status before; dates: the date before (or null); "
                                                "exemption: true/false"})
    to = fields.Raw(required=True, allow_none=True, metadata={"description": "as `from`, after the change"})
    status = fields.String(validate=validate.OneOf(rules.STATUSES),
                           metadata={"description": "the induction's status; required unless field is status"})
    today = fields.Date(metadata={"description": "the day the change is made; defaults to today"})
    outcome_on = fields.Date(metadata={"description": "the pass/fail date; defaults to completed_date"})
    appeal_lodged_on = fields.Date()
    completed_date = fields.Date(metadata={"description": "the induction's completed date (the seven-year rule)"})
    written_by_cpd = fields.Boolean(load_default=True)

    @validates_schema
    def _values_fit_the_field(self, data, **_):
        name = data.get("field")
        if name == "status":
            errors = {key: [f"Must be one of: {', '.join(rules.STATUSES)}."]
                      for key, value in (("from", data.get("from_")), ("to", data.get("to")))
                      if value not in rules.STATUSES}
        elif name in ("start_date", "completed_date"):
            errors = {key: ["Not a valid date."] for key, value in (("from", data.get("from_")), ("to", data.get("to")))
                      if value is not None and not _is_iso_date(value)}
            if "status" not in data:
                errors["status"] = ["Missing data for required field."]
        elif name == "exemption":
            errors = {key: ["Must be true or false."] for key, value in (("from", data.get("from_")), ("to", data.get("to")))
                      if not isinstance(value, bool)}
            if "status" not in data:
                errors["status"] = ["Missing data for required field."]
        else:
            errors = {}
        if errors:
            raise ValidationError(errors)


class DecisionSchema(Schema):
    outcome = fields.String(metadata={"description": "allowed | denied | manual_handling"})
    reason_code = fields.String()
    message = fields.String()
    rule = fields.String(allow_none=True)
    rules_version = fields.String()


def proposal_from(data: dict) -> rules.Proposal:
    name, before, after = data["field"], data["from_"], data["to"]
    if name == "status":
        state, change = before, after
    elif name == "exemption":
        state, change = data["status"], ("grant" if after else "remove")
    else:
        state, change = data["status"], ("set" if after is not None else "clear")
    return rules.Proposal(field=name, actor=data["actor"], state=state, change=change,
                          today=data.get("today") or date.today(), outcome_on=data.get("outcome_on"),
                          appeal_lodged_on=data.get("appeal_lodged_on"), completed_date=data.get("completed_date"),
                          written_by_cpd=data["written_by_cpd"])


@blp.route("")
class EditRules(MethodView):
    @blp.response(200)
    def get(self):
        """The rules table, with its version."""
        return rules.table()


@blp.route("/evaluate")
class Evaluate(MethodView):
    @blp.arguments(ProposedChangeSchema)
    @blp.response(200, DecisionSchema)
    def post(self, data):
        """One proposed change in, the decision (allowed, denied or manual handling) out."""
        if data["field"] != "status" and data["from_"] == data["to"]:
            return rules.NO_CHANGE.to_dict()
        return rules.evaluate(proposal_from(data)).to_dict()


def _is_iso_date(value) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
