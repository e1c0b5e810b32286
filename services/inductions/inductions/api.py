"""HTTP entrypoints: thin functions that turn a request into a query or command."""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from ecf_shared.auth.authorisation import readable
from ecf_shared.errors import Forbidden, NotFound
from ecf_shared.induction_transitions import TRANSITIONS
from ecf_shared.bulk_csv import read_rows
from ecf_shared.web import fields
from ecf_shared.web.app import accepts_any_body, context
from ecf_shared.web.auth import current_principal
from inductions import ab_ects, bulk, commands, school_ects, schools_shown
from inductions.domain.audit import AuditEntry, ManualHandlingItem
from inductions.domain.model import APPEAL_DECISIONS
from inductions.domain.rules import EXEMPTION_REASONS
from inductions.views import AppealSchema, ExtensionSchema, InductionSchema, induction_view

blp = Blueprint("inductions", __name__, description="Induction records, periods, outcomes, appeals and the derived status")

TRN = validate.Regexp(r"^\d{7}$", error="A TRN is 7 digits.")
TERMS = dict(required=True, places=None, allow_nan=False)
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


def _today():
    return context().extras["clock"].today()


class AppropriateBodySchema(Schema):
    appropriate_body_id = fields.UUID(load_default=None, metadata={
        "description": "Required in blended mode; hat mode uses the acting appropriate body."})


class ClaimSchema(bulk.ClaimRowSchema, AppropriateBodySchema):
    """A claim: a claims file's row, and the appropriate body it is for."""


class ClaimCheckSchema(AppropriateBodySchema):
    trn = fields.String(required=True, validate=TRN)
    date_of_birth = fields.Date(required=True)


class TrsTeacherSchema(Schema):
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    date_of_birth = fields.String(metadata={"description": "YYYY-MM-DD, as TRS holds it"})
    qts_awarded_on = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, as TRS holds it"})
    induction_status = fields.Function(lambda record: (record.get("induction") or {}).get("status"))


class OutcomeSchema(AppropriateBodySchema):
    outcome = fields.String(required=True, validate=validate.OneOf(("pass", "fail", "release")))
    finished_on = fields.Date(required=True)
    number_of_terms = fields.Decimal(**TERMS, metadata={"description": "0–16, one decimal place"})
    appeal_notice_confirmed = fields.Boolean(load_default=False,
                                             metadata={"description": "A fail: the ECT was told of the right to appeal."})
    appeal_notice_confirmed_on = fields.Date(load_default=None)


class ExtensionBodySchema(AppropriateBodySchema):
    terms = fields.Decimal(**TERMS, metadata={"description": "0.1–16, one decimal place"})


class AppealDecisionSchema(AppropriateBodySchema):
    decision = fields.String(required=True, validate=validate.OneOf(tuple(APPEAL_DECISIONS)))
    note = fields.String(load_default=None, validate=[validate.Length(max=2000), NO_NUL])


class ReopenSchema(Schema):
    note = fields.String(load_default=None, validate=[validate.Length(max=2000), NO_NUL])
    support_ticket = fields.String(load_default=None, validate=[validate.Length(max=100), NO_NUL])


class ExemptionBodySchema(ReopenSchema):
    reason = fields.String(required=True, validate=validate.OneOf(tuple(EXEMPTION_REASONS)))
    number_of_terms = fields.Decimal(places=None, allow_nan=False, load_default=None,
                                     metadata={"description": "Terms served in the open period, which the exemption closes."})


class WindowSchema(Schema):
    anchor = fields.String()
    days = fields.Integer()


class TransitionSchema(Schema):
    action = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    actors = fields.List(fields.String())
    window = fields.Nested(WindowSchema, allow_none=True)
    sends_to_trs = fields.Boolean()
    description = fields.String()


class ManualHandlingItemSchema(Schema):
    id = fields.String()
    trn = fields.String()
    kind = fields.String()
    action = fields.String(allow_none=True)
    reason_code = fields.String()
    message = fields.String()
    actor = fields.Dict()
    details = fields.Dict()
    state = fields.String(metadata={"description": "open | closed"})
    created_at = fields.DateTime()
    resolution = fields.String(allow_none=True, metadata={"description": "the note staff closed it with"})
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Dict(allow_none=True)


class PageQuerySchema(Schema):
    trn = fields.String(validate=TRN)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ManualHandlingQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(("open", "closed")), metadata={"description": "absent: both"})


class CloseItemSchema(Schema):
    note = fields.String(required=True, validate=[validate.Length(min=3, max=2000), NO_NUL],
                         metadata={"description": "How it was settled (a support ticket, what was done by hand)."})


class AuditEntrySchema(Schema):
    id = fields.String()
    at = fields.DateTime()
    action = fields.String()
    actor = fields.Dict(metadata={"description": "type, user_id, email and name at the time, the organisation acted "
                                                "for and, for DfE staff acting for one, why"})
    note = fields.String(allow_none=True)
    support_ticket = fields.String(allow_none=True)
    details = fields.Dict()


class EctsQuerySchema(AppropriateBodySchema):
    status = fields.String(load_default="all", validate=validate.OneOf(ab_ects.STATUSES), metadata={
        "description": "open: my appropriate body has an open period; closed: all of its periods are finished"})
    q = fields.String(load_default=None, validate=[validate.Length(max=100), NO_NUL],
                      metadata={"description": "a TRN (7 digits, exact) or part of the name"})


class SchoolEctsQuerySchema(Schema):
    school_id = fields.UUID(metadata={"description": "Blended mode: one of my schools (default: all of them); hat mode: "
                                                     "the acting school (another is refused)."})
    trn = fields.String(validate=TRN)


class SchoolEctSchema(Schema):
    ect_period_id = fields.String(metadata={"description": "the ECT registration (registrations' id)"})
    trn = fields.String()
    school_id = fields.String()
    status = fields.String(metadata={"description": "the derived induction status, e.g. RequiredToComplete, InProgress, "
                                                    "Passed, Failed, Exempt"})
    start_date = fields.Date(allow_none=True)
    completed_date = fields.Date(allow_none=True)
    appropriate_body_id = fields.String(allow_none=True, metadata={
        "description": "of the current or latest induction period"})


SCHOOL_ECT_PAGES = dict(page_size=1000, max_page_size=1000)


def _scope(appropriate_body_id=None):
    return readable(current_principal(), organisation_id=appropriate_body_id, organisation_types=("appropriate_body",))


def _ab_caller(body) -> commands.Caller:
    return commands.appropriate_body(current_principal(), body.get("appropriate_body_id"))


def _admin() -> commands.Caller:
    return commands.admin(current_principal())


@blp.route("/transitions")
class Transitions(MethodView):
    @blp.response(200, TransitionSchema(many=True))
    def get(self):
        """The induction status transition table: who may make each change, and in which window."""
        return [t.to_dict() for t in TRANSITIONS]


@blp.route("/claims")
class Claims(MethodView):
    @blp.arguments(ClaimSchema)
    @blp.response(201, InductionSchema)
    def post(self, body):
        """Claim an ECT (TRN and date of birth are checked against TRS): opens an induction period."""
        caller = _ab_caller(body)
        with context().uow() as uow:
            induction = commands.claim(uow, caller, body, context().extras["teacher_lookup"], _today(),
                                       token=current_principal().token)
            return induction_view(induction, caller.scope)


@blp.route("/claims/check", methods=["POST"])
@blp.arguments(ClaimCheckSchema)
@blp.response(200, TrsTeacherSchema)
def check_claim(body):
    """May my appropriate body claim this ECT now? TRS's record when it may; otherwise the refusal a claim would
    get (teacher_not_found, induction_already_completed, prohibited_from_teaching, no_qts, already_claimed,
    claimed_by_another_appropriate_body). Changes nothing."""
    caller = _ab_caller(body)
    with context().uow() as uow:
        return commands.check_claim(uow, caller, body, context().extras["teacher_lookup"],
                                    token=current_principal().token)


def _bulk_caller() -> commands.Caller:
    return commands.appropriate_body(current_principal(),
                                     request.args.get("appropriate_body_id") or request.form.get("appropriate_body_id"))


@blp.route("/claims/bulk", methods=["POST"])
@accepts_any_body
@blp.response(201, InductionSchema(many=True))
def claim_in_bulk():
    """Claim up to 1,000 ECTs from a CSV (text/csv, or multipart with a `file`; blended mode: appropriate_body_id as a
    query or form field). Columns: trn, date_of_birth, started_on, training_programme (optional). All or nothing:
    any row's error claims nobody, and every bad row is listed by line (details.rows)."""
    caller = _bulk_caller()
    rows = read_rows(request, bulk.ClaimRowSchema, bulk.CLAIMS)
    with context().uow() as uow:
        return bulk.claim_all(uow, caller, rows, context().extras["teacher_lookup"], _today(),
                              token=current_principal().token)


@blp.route("/outcomes/bulk", methods=["POST"])
@accepts_any_body
@blp.response(200, InductionSchema(many=True))
def record_outcomes_in_bulk():
    """Record up to 1,000 passes or releases from a CSV (a fail is never recorded in bulk). Columns: trn,
    date_of_birth (optional, not checked), finished_on, number_of_terms, outcome (pass | release). All or nothing,
    every bad row listed by line; a row outside the edit rules' windows is an error here (record it on its own)."""
    caller = _bulk_caller()
    rows = read_rows(request, bulk.OutcomeRowSchema, bulk.OUTCOMES)
    with context().uow() as uow:
        return bulk.record_all(uow, caller, rows, _today())


@blp.route("/ects")
class Ects(MethodView):
    @blp.arguments(EctsQuerySchema, location="query")
    @blp.response(200, InductionSchema(many=True))
    @blp.paginate(page_size=100, max_page_size=1000)
    def get(self, query, pagination_parameters):
        """ECTs my appropriate bodies have induction periods for (hat: the acting one; blended: all mine, or one by
        appropriate_body_id; DfE staff: every ECT with a period), open or closed, searched by name or TRN, by name,
        a page at a time (X-Pagination header)."""
        with context().uow() as uow:
            items, pagination_parameters.item_count = ab_ects.page(
                uow, current_principal(), appropriate_body_id=query.get("appropriate_body_id"),
                status=query["status"], search=query.get("q"), offset=pagination_parameters.first_item,
                limit=pagination_parameters.page_size)
            return items


@blp.route("/schools/ects")
class SchoolEcts(MethodView):
    @blp.arguments(SchoolEctsQuerySchema, location="query")
    @blp.response(200, SchoolEctSchema(many=True))
    @blp.paginate(**SCHOOL_ECT_PAGES)
    def get(self, query, pagination_parameters):
        """The induction status of the ECTs currently registered at the schools I may read (hat: the acting school;
        blended: all mine, or one by school_id), a page at a time (X-Pagination header)."""
        with context().uow() as uow:
            items, pagination_parameters.item_count = school_ects.page(
                uow, current_principal(), school_id=query.get("school_id"), trn=query.get("trn"), today=_today(),
                offset=pagination_parameters.first_item, limit=pagination_parameters.page_size)
            return items


@blp.route("/ects/<string:trn>")
class Ect(MethodView):
    @blp.response(200, InductionSchema)
    def get(self, trn):
        """One ECT's induction, with my appropriate body's periods only, and for context the schools where the teacher
        is registered now with the appropriate body each reports."""
        scope = _scope()
        ab_ids = None if scope.everything else scope.organisation_ids
        with context().uow() as uow:
            return {**induction_view(commands.load(uow, trn, ab_ids, lock=False), ab_ids),
                    "schools": schools_shown.for_teacher(uow, trn, _today())}


@blp.route("/ects/<string:trn>/outcome")
class Outcome(MethodView):
    @blp.arguments(OutcomeSchema)
    @blp.response(200, InductionSchema)
    def post(self, body, trn):
        """Pass, fail or release: closes my open period (a fail needs the appeal notice confirmed, with its date)."""
        caller = _ab_caller(body)
        with context().uow() as uow:
            return induction_view(commands.record_outcome(uow, caller, trn, body, _today()), caller.scope)


@blp.route("/ects/<string:trn>/extensions")
class Extensions(MethodView):
    @blp.arguments(ExtensionBodySchema)
    @blp.response(201, ExtensionSchema)
    def post(self, body, trn):
        """Add an extension (0.1–16 terms); terms required = 6 + extensions."""
        with context().uow() as uow:
            return commands.add_extension(uow, _ab_caller(body), trn, body, _today())


@blp.route("/ects/<string:trn>/extensions/<uuid:extension_id>")
class ExtensionItem(MethodView):
    @blp.arguments(ExtensionBodySchema)
    @blp.response(200, ExtensionSchema)
    def patch(self, body, trn, extension_id):
        """Edit an extension my appropriate body recorded."""
        with context().uow() as uow:
            return commands.edit_extension(uow, _ab_caller(body), trn, str(extension_id), body, _today())


@blp.route("/ects/<string:trn>/appeals")
class Appeals(MethodView):
    @blp.arguments(AppropriateBodySchema)
    @blp.response(201, AppealSchema)
    def post(self, body, trn):
        """Lodge an appeal against a fail, within 30 days of it (later: queued for manual handling)."""
        caller = commands.appropriate_body_or_admin(current_principal(), body.get("appropriate_body_id"))
        with context().uow() as uow:
            return commands.lodge_appeal(uow, caller, trn, body, _today())


@blp.route("/appeals/<uuid:appeal_id>/decision")
class AppealDecision(MethodView):
    @blp.arguments(AppealDecisionSchema)
    @blp.response(200, AppealSchema)
    def post(self, body, appeal_id):
        """Record an appeal's decision (DfE staff admin): dismissed, upheld_continue or upheld_replace."""
        caller = _admin() if commands.is_admin(current_principal()) else _ab_caller(body)
        with context().uow() as uow:
            return commands.decide_appeal(uow, caller, str(appeal_id), body, _today())


@blp.route("/admin/ects/<string:trn>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReopenSchema)
    @blp.response(200, InductionSchema)
    def post(self, body, trn):
        """Reopen the latest period, finished with an outcome (DfE staff admin; note or ticket required)."""
        with context().uow() as uow:
            return induction_view(commands.reopen(uow, _admin(), trn, body, _today()), None)


@blp.route("/admin/ects/<string:trn>/exemption")
class ExemptionRecord(MethodView):
    @blp.arguments(ExemptionBodySchema)
    @blp.response(200, InductionSchema)
    def post(self, body, trn):
        """Record an exemption with one of TRS's reasons; it closes the CPD record (DfE staff admin)."""
        with context().uow() as uow:
            return induction_view(commands.admin_exempt(uow, _admin(), trn, body, _today()), None)


def _require_staff() -> None:
    if not current_principal().is_staff:
        raise Forbidden("Only DfE staff can read this.")


@blp.route("/manual-handling")
class ManualHandling(MethodView):
    @blp.arguments(ManualHandlingQuerySchema, location="query")
    @blp.response(200, ManualHandlingItemSchema(many=True))
    def get(self, query):
        """Changes refused for manual handling, and TRS console changes to review, oldest first, by TRN and state
        (DfE staff)."""
        _require_staff()
        with context().uow() as uow:
            q = uow.session.query(ManualHandlingItem)
            for name in ("trn", "state"):
                if query.get(name):
                    q = q.filter(getattr(ManualHandlingItem, name) == query[name])
            return q.order_by(ManualHandlingItem.created_at, ManualHandlingItem.id).limit(query["limit"]).offset(query["offset"]).all()


@blp.route("/manual-handling/<uuid:item_id>")
class ManualHandlingItemById(MethodView):
    @blp.response(200, ManualHandlingItemSchema)
    def get(self, item_id):
        """One item: the change that was refused, who asked for it and why it was refused (DfE staff)."""
        _require_staff()
        with context().uow() as uow:
            item = uow.session.get(ManualHandlingItem, str(item_id))
            if item is None:
                raise NotFound("No such manual-handling item.", code="item_not_found")
            return item


@blp.route("/manual-handling/<uuid:item_id>/close")
class CloseManualHandlingItem(MethodView):
    @blp.arguments(CloseItemSchema)
    @blp.response(200, ManualHandlingItemSchema)
    def post(self, body, item_id):
        """Close an open item settled by hand, with a note saying how (DfE staff who may handle the queue); audited
        against the teacher. A closed item cannot be closed again (409 item_not_open)."""
        caller = commands.manual_handler(current_principal())
        with context().uow() as uow:
            return commands.close_manual_handling(uow, caller, str(item_id), body["note"].strip())


@blp.route("/teachers/<string:trn>/audit")
class TeacherAudit(MethodView):
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, trn):
        """Every change to a teacher's induction record, oldest first, with who made it (DfE staff)."""
        _require_staff()
        with context().uow() as uow:
            if not commands.TRN.fullmatch(trn):
                raise NotFound(f"No induction you can see for TRN {trn!r}.")
            return (uow.session.query(AuditEntry).filter(AuditEntry.trn == trn)
                    .order_by(AuditEntry.at, AuditEntry.id).limit(1000).all())


@blp.route("/teachers/<string:trn>/induction")
class TeacherInduction(MethodView):
    @blp.response(200, InductionSchema)
    def get(self, trn):
        """A teacher's induction record (DfE staff)."""
        _require_staff()
        with context().uow() as uow:
            return induction_view(commands.load(uow, trn, lock=False), None)
