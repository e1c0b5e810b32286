"""GET /api/v3/schools/ecf, /delivery-partners and /unfunded-mentors/ecf: what a lead provider needs to know
about schools, its delivery partners and the mentors of its ECTs."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication
from lp_api.api import blp, resource, resource_id, resources
from lp_api.delivery_partners_query import delivery_partner_resources
from lp_api.lead_provider_auth import current_caller
from lp_api.schools_query import SCHOOL_FILTERS, SCHOOL_SORTABLE, school_resources
from lp_api.unfunded_mentors_query import UNFUNDED_MENTOR_SORTABLE, unfunded_mentor_resources
from lp_api.v3_params import ListParams, parse_list_params


@blp.route("/schools/ecf")
@own_authentication
class EcfSchools(MethodView):
    @blp.doc(summary="Schools for a cohort (v3; filter[cohort] is required)")
    def get(self):
        params = parse_list_params(request.args, sortable=SCHOOL_SORTABLE, filters=SCHOOL_FILTERS)
        with context().uow() as uow:
            return resources(school_resources(uow.session, current_caller().lead_provider_id, params))


@blp.route("/schools/ecf/<string:school_id>")
@own_authentication
class EcfSchool(MethodView):
    @blp.doc(summary="One school for a cohort (v3; filter[cohort] is required)")
    def get(self, school_id):
        params = parse_list_params(request.args, sortable=())
        school_id = resource_id(school_id)
        with context().uow() as uow:
            return resource(school_resources(uow.session, current_caller().lead_provider_id, params,
                                                school_id=school_id))


@blp.route("/delivery-partners")
@own_authentication
class DeliveryPartners(MethodView):
    @blp.doc(summary="Delivery partners the calling lead provider works with (v3)")
    def get(self):
        params = parse_list_params(request.args)
        with context().uow() as uow:
            return resources(delivery_partner_resources(uow.session, current_caller().lead_provider_id, params))


@blp.route("/delivery-partners/<string:delivery_partner_id>")
@own_authentication
class DeliveryPartner(MethodView):
    @blp.doc(summary="One delivery partner the calling lead provider works with (v3)")
    def get(self, delivery_partner_id):
        delivery_partner_id = resource_id(delivery_partner_id)
        with context().uow() as uow:
            return resource(delivery_partner_resources(uow.session, current_caller().lead_provider_id, ListParams(),
                                                       delivery_partner_id=delivery_partner_id))


@blp.route("/unfunded-mentors/ecf")
@own_authentication
class UnfundedMentors(MethodView):
    @blp.doc(summary="Mentors of the calling lead provider's ECTs whom it does not train (v3)")
    def get(self):
        params = parse_list_params(request.args, sortable=UNFUNDED_MENTOR_SORTABLE)
        with context().uow() as uow:
            return resources(unfunded_mentor_resources(uow.session, current_caller().lead_provider_id, params))


@blp.route("/unfunded-mentors/ecf/<string:mentor_id>")
@own_authentication
class UnfundedMentor(MethodView):
    @blp.doc(summary="One unfunded mentor (v3)")
    def get(self, mentor_id):
        mentor_id = resource_id(mentor_id)
        with context().uow() as uow:
            return resource(unfunded_mentor_resources(uow.session, current_caller().lead_provider_id, ListParams(),
                                                      mentor_id=mentor_id))
