"""GET and PUT /api/v3/participants/ecf...: participants, their transfers, and lead providers' actions on them."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication
from lp_api.adapters import interest_participants
from lp_api.api import blp, data_list, data_one, resource, resource_id, resources
from lp_api.lead_provider_auth import current_caller
from lp_api.participant_actions import request_action
from lp_api.participants_query import (PARTICIPANT_FILTERS, participant_document, participant_documents,
                                       transfer_resources)
from lp_api.v3_params import ListParams, parse_list_params


@blp.route("/participants/ecf")
@own_authentication
class EcfParticipants(MethodView):
    @blp.doc(summary="ECF participants of the calling lead provider (v3)")
    def get(self):
        params = parse_list_params(request.args, filters=PARTICIPANT_FILTERS)
        caller = current_caller()
        with context().uow() as uow:
            documents = participant_documents(uow.session, caller.lead_provider_id, params, token_id=caller.token_id)
            uow.commit()  # the page cursor
        return data_list(documents)


@blp.route("/participants/ecf/expressions-of-interest")
@own_authentication
class EcfInterestParticipants(MethodView):
    @blp.doc(summary="Beyond v3: teachers whose school chose the calling lead provider before any partnership "
                     "(participant resources without a delivery partner); same paging, filters and sort")
    def get(self):
        params = parse_list_params(request.args, filters=PARTICIPANT_FILTERS)
        caller = current_caller()
        with context().uow() as uow:
            documents = participant_documents(uow.session, caller.lead_provider_id, params, token_id=caller.token_id,
                                              table=interest_participants)
            uow.commit()  # the page cursor
        return data_list(documents)


@blp.route("/participants/ecf/transfers")
@own_authentication
class EcfParticipantTransfers(MethodView):
    @blp.doc(summary="Participants of the calling lead provider who moved school (v3)")
    def get(self):
        params = parse_list_params(request.args, sortable=())
        with context().uow() as uow:
            return resources(transfer_resources(uow.session, current_caller().lead_provider_id, params))


@blp.route("/participants/ecf/<string:participant_id>")
@own_authentication
class EcfParticipant(MethodView):
    @blp.doc(summary="One ECF participant of the calling lead provider (v3)")
    def get(self, participant_id):
        participant_id = resource_id(participant_id)
        with context().uow() as uow:
            return data_one(participant_document(uow.session, current_caller().lead_provider_id, participant_id))


@blp.route("/participants/ecf/<string:participant_id>/transfers")
@own_authentication
class EcfParticipantTransfer(MethodView):
    @blp.doc(summary="One participant's transfers (v3)")
    def get(self, participant_id):
        participant_id = resource_id(participant_id)
        with context().uow() as uow:
            return resource(transfer_resources(uow.session, current_caller().lead_provider_id, ListParams(),
                                               teacher_id=participant_id))


def _action_route(action: str):
    @own_authentication
    def put(participant_id):
        participant_id = resource_id(participant_id)
        with context().uow() as uow:
            document = request_action(uow, current_caller(), participant_id, action, request.get_json(silent=True))
            uow.commit()
        return data_one(document)

    put.__name__ = f"participant_{action.replace('-', '_')}"
    put.__doc__ = f"PUT {action}: a lead provider's change to its participant's training (v3)"
    blp.route(f"/participants/ecf/<string:participant_id>/{action}", methods=["PUT"])(put)


for _action in ("withdraw", "defer", "resume", "change-schedule"):
    _action_route(_action)
