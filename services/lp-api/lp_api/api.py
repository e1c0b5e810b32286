"""HTTP entrypoints of the v3 lead provider API, served under /api/v3.

Every route here authenticates with lead provider tokens (see lead_provider_auth) instead of the
platform's JWTs: views are marked `own_authentication` so the shared middleware lets them through,
and this blueprint's before_request does the check. Errors answer in v3's format (v3_errors).
"""
from __future__ import annotations

import uuid

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication, public
from lp_api import v3_errors
from lp_api.lead_provider_auth import authenticate_lead_provider, current_lead_provider_id
from lp_api.participants_query import participant_document, participant_documents
from lp_api.v3_document import v3_openapi_bytes
from lp_api.v3_params import parse_list_params

blp = Blueprint("lp-api-v3", __name__, url_prefix="/api/v3",
                description="Lead provider API v3 (authenticate with a lead provider API token)")
v3_errors.register(blp)

PUBLIC_ENDPOINTS = {"lp-api-v3.v3_openapi"}


@blp.before_request
def _authenticate():
    if request.method == "OPTIONS" or request.endpoint in PUBLIC_ENDPOINTS:
        return
    authenticate_lead_provider()


def _json(text: str) -> Response:
    return Response(text, status=200, mimetype="application/json")


def _data_list(documents: list[str]) -> Response:
    # The stored documents are already v3 resources: joined, not re-serialised.
    return _json('{"data":[' + ",".join(documents) + "]}")


@blp.route("/participants/ecf")
@own_authentication
class EcfParticipants(MethodView):
    @blp.doc(summary="ECF participants of the calling lead provider (v3)")
    def get(self):
        params = parse_list_params(request.args)
        with context().uow() as uow:
            return _data_list(participant_documents(uow.session, current_lead_provider_id(), params))


@blp.route("/participants/ecf/<string:participant_id>")
@own_authentication
class EcfParticipant(MethodView):
    @blp.doc(summary="One ECF participant of the calling lead provider (v3)")
    def get(self, participant_id):
        try:
            participant_id = str(uuid.UUID(participant_id))
        except ValueError:
            raise v3_errors.not_found() from None
        with context().uow() as uow:
            document = participant_document(uow.session, current_lead_provider_id(), participant_id)
        if document is None:
            raise v3_errors.not_found()  # another provider's participant is as unknown as a missing one
        return _json('{"data":' + document + "}")


@blp.route("/openapi.json", endpoint="v3_openapi")
@public
def v3_openapi():
    """The v3 OpenAPI document (public)."""
    return Response(v3_openapi_bytes(), mimetype="application/json")
