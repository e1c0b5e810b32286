"""HTTP: signing in with DfE Sign-in (OpenID Connect)."""
from __future__ import annotations

from flask import current_app, redirect
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from accounts import signin
from accounts.api import TokensSchema
from ecf_shared.errors import Unauthorised
from ecf_shared.web.app import context
from ecf_shared.web.auth import public

blp = Blueprint("sign_in", __name__, description="Signing in with DfE Sign-in")


def _client():
    return current_app.extensions["ecf"].extras["dsi_client"]


class CallbackQuerySchema(Schema):
    code = fields.String()
    state = fields.String()
    error = fields.String()
    error_description = fields.String()


@blp.route("/sign-in")
@public
class SignIn(MethodView):
    @blp.response(302, headers={"Location": {"description": "DfE Sign-in's authorization endpoint",
                                             "schema": {"type": "string"}}})
    def get(self):
        """Start signing in: a redirect to DfE Sign-in (authorization code flow with PKCE)."""
        ctx = context()
        with ctx.uow() as uow:
            url = signin.begin(uow.session, ctx.settings, _client())
            uow.commit()
        return redirect(url, code=302)


@blp.route("/sign-in/callback")
@public
class SignInCallback(MethodView):
    @blp.arguments(CallbackQuerySchema, location="query")
    @blp.response(200, TokensSchema)
    def get(self, query):
        """Where DfE Sign-in sends the user back: verifies everything, then answers tokens.

        Refusals are 401 with a code: invalid_state, state_expired, dsi_error, code_exchange_failed,
        invalid_id_token, id_token_expired, id_token_wrong_audience, id_token_wrong_issuer, invalid_nonce;
        403 no_organisation, no_access, organisation_not_recognised, organisation_closed."""
        ctx = context()
        with ctx.uow() as uow:  # the state is used up whatever happens next
            req = signin.take_request(uow.session, query.get("state"))
            uow.commit()
        if query.get("error"):
            raise Unauthorised(f"DfE Sign-in: {query['error']} {query.get('error_description', '')}".strip(),
                               code="dsi_error")
        if not query.get("code"):
            raise Unauthorised("DfE Sign-in sent no code.", code="dsi_error")
        with ctx.uow() as uow:
            tokens = signin.complete(uow, ctx.settings, current_app.extensions["ecf"].extras["signing_key"], _client(),
                                     req, query["code"])
            uow.commit()
        return tokens
