"""The delivery partner and lead provider pages' endpoints (beyond v3), reached through the gateway under /lp-api:
/lp-api/delivery-partner/... and /lp-api/lead-provider/..., the same five reads from each side (provider_reads).

Unlike /api/v3 they authenticate the platform's access tokens like every other service (the shared middleware), and
are authorised by the caller's memberships: a delivery partner's users see its partnerships and participants across
every lead provider it works with, a lead provider's users only their own lead provider's."""
from __future__ import annotations

from flask import Response, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from lp_api import provider_reads as reads

blp = Blueprint("lp-api-providers", __name__, url_prefix="",
                description="Delivery partners' and lead providers' own views (platform access tokens, by membership)")

PAGES = dict(page_size=25, max_page_size=1000)
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


class ViewQuerySchema(Schema):
    delivery_partner_id = fields.UUID(load_default=None, metadata={
        "description": "The delivery partner side: one of my delivery partners (blended mode; hat mode uses the "
                       "acting one) or, from a lead provider's side, a filter."})
    lead_provider_id = fields.UUID(load_default=None, metadata={
        "description": "The lead provider side: one of my lead providers (blended mode; hat mode uses the acting "
                       "one) or, from a delivery partner's side, a filter."})


class PartnershipQuerySchema(ViewQuerySchema):
    cohort = fields.Integer(load_default=None, validate=validate.Range(min=2020, max=2100))
    school_id = fields.UUID(load_default=None)


class ParticipantQuerySchema(PartnershipQuerySchema):
    participant_type = fields.String(load_default=None, validate=validate.OneOf(reads.PARTICIPANT_TYPES))
    training_status = fields.String(load_default=None, validate=validate.OneOf(reads.TRAINING_STATUSES))
    q = fields.String(load_default=None, validate=[validate.Length(max=100), NO_NUL],
                      metadata={"description": "a TRN (7 digits, exact) or part of the name"})


class OtherSideSchema(Schema):
    id = fields.String()
    name = fields.String()
    cohorts = fields.List(fields.Integer())


class SchoolContactSchema(Schema):
    name = fields.String(allow_none=True)
    email = fields.String()
    role = fields.String(metadata={"description": "induction_tutor, school_contact or school_user"})


class ContactsSchema(Schema):
    induction_tutor_name = fields.String(allow_none=True)
    induction_tutor_email = fields.String(allow_none=True)
    school_contacts = fields.List(fields.Nested(SchoolContactSchema))


class PartnershipSchema(Schema):
    id = fields.String()
    cohort = fields.Integer()
    school_id = fields.String()
    school_name = fields.String()
    school_urn = fields.String(allow_none=True)
    lead_provider_id = fields.String()
    lead_provider_name = fields.String()
    delivery_partner_id = fields.String()
    delivery_partner_name = fields.String()
    participants = fields.Integer(metadata={"description": "participants trained through this partnership"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    contacts = fields.Nested(ContactsSchema, metadata={
        "description": "the school's contacts exactly as the lead provider API's partnership resource sends them"})


class ParticipantSchema(Schema):
    id = fields.String(metadata={"description": "the training record (v3's training_record_id)"})
    teacher_id = fields.String(metadata={"description": "the participant (v3's participant id)"})
    full_name = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    trn = fields.String()
    participant_type = fields.String(metadata={"description": "ect or mentor"})
    cohort = fields.Integer()
    training_status = fields.String(metadata={"description": "active, deferred or withdrawn"})
    participant_status = fields.String(metadata={"description": "active or left (the school)"})
    induction_status = fields.String(allow_none=True, metadata={
        "description": "an ECT's induction status (RequiredToComplete, InProgress, Passed, Failed, Exempt, ...); "
                       "none for mentors, or before inductions has announced one"})
    school_id = fields.String()
    school_name = fields.String()
    school_urn = fields.String()
    lead_provider_id = fields.String()
    lead_provider_name = fields.String()
    delivery_partner_id = fields.String()
    delivery_partner_name = fields.String()


def _filters(query: dict) -> dict:
    return {k: (str(v) if k.endswith("_id") and v is not None else v) for k, v in query.items()}


def _scope(viewpoint: reads.Viewpoint, filters: dict):
    return reads.scope(current_principal(), viewpoint, filters.get(viewpoint.own))


def _page(read, viewpoint: reads.Viewpoint, query: dict, pagination_parameters) -> list[dict]:
    filters = _filters(query)
    found = _scope(viewpoint, filters)
    with context().uow() as uow:
        items, pagination_parameters.item_count = read(uow.session, viewpoint, found, filters,
                                                       offset=pagination_parameters.first_item,
                                                       limit=pagination_parameters.page_size)
        return items


def _add_routes(viewpoint: reads.Viewpoint) -> None:
    base, side = f"/{viewpoint.path}", viewpoint.path.replace("-", "_")
    mine = f"my {viewpoint.plural} (hat: the acting one; blended: all mine, or one by {viewpoint.own}; DfE staff: all)"

    @blp.route(f"{base}/{viewpoint.others_path}", endpoint=f"{side}_others", methods=["GET"])
    @blp.arguments(ViewQuerySchema, location="query")
    @blp.response(200, OtherSideSchema(many=True))
    @blp.doc(summary=f"The {viewpoint.others_path.replace('-', ' ')} {mine} work with, and for which cohorts")
    def other_side(query):
        filters = _filters(query)
        found = _scope(viewpoint, filters)
        with context().uow() as uow:
            return reads.others(uow.session, viewpoint, found)

    @blp.route(f"{base}/partnerships", endpoint=f"{side}_partnerships", methods=["GET"])
    @blp.arguments(PartnershipQuerySchema, location="query")
    @blp.response(200, PartnershipSchema(many=True))
    @blp.paginate(**PAGES)
    @blp.doc(summary=f"The schools {mine} are partnered with, per cohort, with their contacts (X-Pagination)")
    def partnership_list(query, pagination_parameters):
        return _page(reads.partnership_page, viewpoint, query, pagination_parameters)

    @blp.route(f"{base}/partnerships/<uuid:partnership_id>", endpoint=f"{side}_partnership", methods=["GET"])
    @blp.response(200, PartnershipSchema)
    @blp.doc(summary=f"One partnership of {mine} (another's: 404)")
    def partnership(partnership_id):
        found = _scope(viewpoint, {})
        with context().uow() as uow:
            return reads.one_partnership(uow.session, viewpoint, found, str(partnership_id))

    @blp.route(f"{base}/participants", endpoint=f"{side}_participants", methods=["GET"])
    @blp.arguments(ParticipantQuerySchema, location="query")
    @blp.response(200, ParticipantSchema(many=True))
    @blp.paginate(**PAGES)
    @blp.doc(summary=f"The participants {mine} train, filtered, by name (X-Pagination)")
    def participant_list(query, pagination_parameters):
        return _page(reads.participant_page, viewpoint, query, pagination_parameters)

    @blp.route(f"{base}/participants.csv", endpoint=f"{side}_participants_csv", methods=["GET"])
    @blp.arguments(ParticipantQuerySchema, location="query")
    @blp.doc(summary=f"Every participant {mine} train that the filters select, as CSV, streamed",
             responses={"200": {"description": "text/csv, columns " + ", ".join(reads.CSV_COLUMNS),
                                "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def participant_file(query):
        filters = _filters(query)
        found = _scope(viewpoint, filters)  # refused before the first byte, with the usual JSON error
        rows = reads.participant_csv(context().db.engine, viewpoint, found, filters)
        return Response(stream_with_context(rows), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{viewpoint.path}-participants.csv"',
            "X-Accel-Buffering": "no"})  # nginx passes it on as it comes


for _viewpoint in reads.VIEWPOINTS:
    _add_routes(_viewpoint)
