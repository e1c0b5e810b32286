"""/api/v3/statements: the calling lead provider's output statements (v3), by payment date."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication
from lp_api.api import blp, resource, resource_id, resources
from lp_api.lead_provider_auth import current_caller
from lp_api.statements.store import statement_resource, statement_resources, statement_row
from lp_api.v3_params import parse_list_params


@blp.route("/statements")
@own_authentication
class Statements(MethodView):
    @blp.doc(summary="The calling lead provider's output statements (v3): filter[cohort], filter[type], "
                     "filter[updated_since]; by payment date")
    def get(self):
        params = parse_list_params(request.args, sortable=(), filters=("type",))
        with context().uow() as uow:
            return resources(statement_resources(uow.session, current_caller().lead_provider_id, params))


@blp.route("/statements/<string:statement_id>")
@own_authentication
class Statement(MethodView):
    @blp.doc(summary="One of the calling lead provider's output statements (v3)")
    def get(self, statement_id):
        statement_id = resource_id(statement_id)
        with context().uow() as uow:
            row = statement_row(uow.session, statement_id, current_caller().lead_provider_id)
            return resource([statement_resource(row)] if row else [])
