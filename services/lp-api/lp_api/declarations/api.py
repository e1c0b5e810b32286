"""/api/v3/participant-declarations: a lead provider's declarations (v3). Another provider's are as unknown as
missing ones."""
from __future__ import annotations

from flask import jsonify, request
from flask.views import MethodView
from sqlalchemy import select

from ecf_shared.web.app import context
from ecf_shared.web.auth import own_authentication
from lp_api.api import blp, data_list, data_one, resource_id
from lp_api.declarations import commands
from lp_api.declarations.author import Author
from lp_api.declarations.clock import finance_clock
from lp_api.declarations.tables import declarations
from lp_api.document_pages import document_page
from lp_api.lead_provider_auth import current_caller
from lp_api.v3_bodies import uuid_or_none
from lp_api.v3_params import cohort_numbers, parse_list_params

FILTERS = ("participant_id", "delivery_partner_id")


def _refused(error: commands.Refused):
    response = jsonify({"errors": error.refusals.errors()})
    response.status_code = 422
    return response


blp.register_error_handler(commands.Refused, _refused)


def _ids(values: tuple[str, ...]) -> list[str]:
    """Malformed ids match nothing, as unknown ones do."""
    return [i for i in (uuid_or_none(v) for v in values) if i] or ["00000000-0000-0000-0000-000000000000"]


@blp.route("/participant-declarations")
@own_authentication
class ParticipantDeclarations(MethodView):
    @blp.doc(summary="The calling lead provider's participant declarations (v3): filter[participant_id], "
                     "filter[cohort], filter[updated_since], filter[delivery_partner_id]; oldest first")
    def get(self):
        params = parse_list_params(request.args, sortable=(), filters=FILTERS)
        caller = current_caller()
        where = [declarations.c.lead_provider_id == caller.lead_provider_id]
        if params.cohorts is not None:
            where.append(declarations.c.cohort.in_(cohort_numbers(params.cohorts) or [0]))
        if params.updated_since is not None:
            where.append(declarations.c.updated_at >= params.updated_since)
        if (participant_ids := params.filter("participant_id")) is not None:
            where.append(declarations.c.teacher_id.in_(_ids(participant_ids)))
        if (partner_ids := params.filter("delivery_partner_id")) is not None:
            where.append(declarations.c.delivery_partner_id.in_(_ids(partner_ids)))
        with context().uow() as uow:
            documents = document_page(uow.session, declarations, where, params, token_id=caller.token_id)
            uow.commit()  # the page cursor
        return data_list(documents)

    @blp.doc(summary="Declare that a participant reached a milestone (v3); an identical repeat answers the "
                     "declaration it made")
    def post(self):
        caller = current_caller()
        clock = finance_clock(context())
        with context().uow() as uow:
            document = commands.declare(uow, caller.lead_provider_id, Author.of_caller(caller),
                                        request.get_json(silent=True), now=clock.now(), today=clock.today())
            uow.commit()
        return data_one(document)


@blp.route("/participant-declarations/<string:declaration_id>")
@own_authentication
class ParticipantDeclaration(MethodView):
    @blp.doc(summary="One of the calling lead provider's participant declarations (v3)")
    def get(self, declaration_id):
        declaration_id = resource_id(declaration_id)
        with context().uow() as uow:
            return data_one(uow.session.execute(select(declarations.c.document).where(
                declarations.c.id == declaration_id,
                declarations.c.lead_provider_id == current_caller().lead_provider_id)).scalar())


@blp.route("/participant-declarations/<string:declaration_id>/void", methods=["PUT"])
@own_authentication
def void_declaration(declaration_id):
    """PUT void: a declaration not yet paid is voided; a paid one awaits clawback on the next open statement (v3)."""
    declaration_id = resource_id(declaration_id)
    caller = current_caller()
    with context().uow() as uow:
        document = commands.void(uow, caller.lead_provider_id, Author.of_caller(caller), declaration_id,
                                 today=finance_clock(context()).today())
        uow.commit()
    return data_one(document)
