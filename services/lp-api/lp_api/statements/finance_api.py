"""DfE finance's statements (platform JWTs, not lead provider tokens; through the gateway at /lp-api/finance/...):
list and read any lead provider's statements (DfE staff), and mark one paid (staff whose role allows
`manage_finance`; acting for an organisation, only that organisation's). Errors in the platform's JSON format."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from sqlalchemy import func, select

from ecf_shared.auth.authorisation import writable
from ecf_shared.errors import Conflict, Forbidden, NotFound
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from lp_api.declarations.author import Author
from lp_api.declarations.clock import finance_clock
from lp_api.declarations.store import lead_provider_name
from lp_api.declarations.tables import declarations
from lp_api.statements.calendar import month_name
from lp_api.statements.payments import CutOffNotPassed, mark_paid
from lp_api.statements.store import statement_row
from lp_api.statements.tables import STATUSES, statements

finance_blp = Blueprint("lp-api-finance", __name__, url_prefix="/finance",
                        description="DfE finance: lead providers' output statements (DfE staff)")


class StatementQuerySchema(Schema):
    lead_provider_id = fields.UUID(load_default=None)
    cohort = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class FinanceStatementSchema(Schema):
    id = fields.String()
    lead_provider_id = fields.String()
    lead_provider_name = fields.String()
    cohort = fields.Integer()
    year = fields.Integer()
    month = fields.String(metadata={"description": "the month's name, as v3 shows it"})
    cut_off_date = fields.Date()
    payment_date = fields.Date()
    status = fields.String(metadata={"description": "open, payable (cut-off passed) or paid"})
    paid_at = fields.DateTime(allow_none=True)
    paid_by = fields.Dict(allow_none=True)
    updated_at = fields.DateTime()
    declarations = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "how many declarations it pays, and claws back (clawback_*), by state"})


def _staff():
    principal = current_principal()
    if not principal.is_staff:
        raise Forbidden("Only DfE staff can see statements here.", code="staff_only")
    return principal


def _view(session, row: dict) -> dict:
    counts = {}
    for column, prefix in ((declarations.c.statement_id, ""), (declarations.c.clawback_statement_id, "clawback_")):
        for state, count in session.execute(select(declarations.c.state, func.count()).where(column == row["id"])
                                            .group_by(declarations.c.state)).all():
            counts[prefix + state] = count
    return {**row, "month": month_name(row["month"]), "declarations": counts,
            "lead_provider_name": lead_provider_name(session, row["lead_provider_id"])}


@finance_blp.route("/statements")
class FinanceStatements(MethodView):
    @finance_blp.arguments(StatementQuerySchema, location="query")
    @finance_blp.response(200, FinanceStatementSchema(many=True))
    def get(self, query):
        """Output statements, by payment date (DfE staff)."""
        _staff()
        where = [statements.c[name] == str(value) if name == "lead_provider_id" else statements.c[name] == value
                 for name in ("lead_provider_id", "cohort", "status") if (value := query.get(name)) is not None]
        with context().uow() as uow:
            rows = uow.session.execute(select(statements).where(*where).order_by(
                statements.c.payment_date, statements.c.lead_provider_id, statements.c.cohort)
                .limit(query["limit"]).offset(query["offset"])).mappings()
            return [_view(uow.session, dict(r)) for r in rows]


@finance_blp.route("/statements/<uuid:statement_id>")
class FinanceStatement(MethodView):
    @finance_blp.response(200, FinanceStatementSchema)
    def get(self, statement_id):
        """One output statement and its declarations by state (DfE staff)."""
        _staff()
        with context().uow() as uow:
            row = statement_row(uow.session, str(statement_id))
            if row is None:
                raise NotFound("No such statement.")
            return _view(uow.session, row)


@finance_blp.route("/statements/<uuid:statement_id>/paid")
class FinanceStatementPaid(MethodView):
    @finance_blp.response(200, FinanceStatementSchema)
    def post(self, statement_id):
        """Mark a statement paid once its cut-off has passed: its payable declarations become paid and those awaiting
        clawback on it clawed back (DfE staff allowed manage_finance). Again: unchanged."""
        principal = current_principal()
        if not principal.is_staff:  # whatever organisation they act for: no organisation role pays statements
            raise Forbidden("Only DfE finance staff can mark statements paid.", code="staff_only")
        ctx = context()
        with ctx.uow() as uow:
            row = statement_row(uow.session, str(statement_id))
            if row is None:
                raise NotFound("No such statement.")
            writable(principal, organisation_id=row["lead_provider_id"], permission="manage_finance",
                     field="lead_provider_id")
            by = {"user_id": principal.user_id, "email": principal.email, "name": principal.name}
            try:
                row = mark_paid(uow, str(statement_id), Author.of_principal(principal), finance_clock(ctx).today(),
                                by=by)
            except CutOffNotPassed as refused:
                raise Conflict(f"This statement's cut-off date ({refused.statement['cut_off_date'].isoformat()}) has "
                               "not passed: it can be paid once its declarations are payable.",
                               code="cut_off_not_passed") from None
            uow.commit()
            return _view(uow.session, row)
