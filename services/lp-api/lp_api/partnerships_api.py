"""/api/v3/partnerships/ecf: a lead provider's partnerships with schools, created and changed here."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication
from lp_api.api import blp, data_list, data_one, resource_id
from lp_api.lead_provider_auth import current_caller
from lp_api.partnerships import change_delivery_partner, create_partnership, partnership_document
from lp_api.partnerships_query import PARTNERSHIP_FILTERS, partnership_documents
from lp_api.v3_params import parse_list_params


@blp.route("/partnerships/ecf")
@own_authentication
class EcfPartnerships(MethodView):
    @blp.doc(summary="Partnerships of the calling lead provider (v3)")
    def get(self):
        params = parse_list_params(request.args, filters=PARTNERSHIP_FILTERS)
        caller = current_caller()
        with context().uow() as uow:
            documents = partnership_documents(uow.session, caller.lead_provider_id, params, token_id=caller.token_id)
            uow.commit()  # the page cursor
        return data_list(documents)

    @blp.doc(summary="Record a partnership with a school and delivery partner for a cohort (v3)")
    def post(self):
        with context().uow() as uow:
            document = create_partnership(uow, current_caller(), request.get_json(silent=True))
            uow.commit()
        return data_one(document)


@blp.route("/partnerships/ecf/<string:partnership_id>")
@own_authentication
class EcfPartnership(MethodView):
    @blp.doc(summary="One partnership of the calling lead provider (v3)")
    def get(self, partnership_id):
        partnership_id = resource_id(partnership_id)
        with context().uow() as uow:
            return data_one(partnership_document(uow.session, current_caller().lead_provider_id, partnership_id))

    @blp.doc(summary="Change a partnership's delivery partner (v3)")
    def put(self, partnership_id):
        partnership_id = resource_id(partnership_id)
        with context().uow() as uow:
            document = change_delivery_partner(uow, current_caller(), partnership_id, request.get_json(silent=True))
            uow.commit()
        return data_one(document)
