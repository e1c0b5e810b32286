"""HTTP: signing in with DfE Sign-in (OpenID Connect), directly or for the registered client (the portal)."""
from __future__ import annotations

from flask import current_app, redirect
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from accounts import client_signin, signin
from accounts.api import TokensSchema
from ecf_shared.errors import AppError, Unauthorised
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import public

blp = Blueprint("sign_in", __name__, description="Signing in with DfE Sign-in")

TEXT = dict(validate=validate.Length(max=500))


def _client():
    return current_app.extensions["ecf"].extras["dsi_client"]


class SignInQuerySchema(Schema):
    client_id = fields.String(metadata={"description": "The registered client (the portal); without it the "
                                                       "callback answers the tokens itself."}, **TEXT)
    redirect_uri = fields.String(metadata={"description": "One of the client's registered redirect URIs."}, **TEXT)
    state = fields.String(validate=validate.Length(max=200))
    code_challenge = fields.String(validate=validate.Length(max=200))
    code_challenge_method = fields.String(validate=validate.OneOf(("S256",)))


class CallbackQuerySchema(Schema):
    code = fields.String()
    state = fields.String()
    error = fields.String()
    error_description = fields.String()


class CodeExchangeSchema(Schema):
    grant_type = fields.String(required=True, validate=validate.OneOf(("authorization_code",)))
    code = fields.String(required=True, **TEXT)
    redirect_uri = fields.String(required=True, **TEXT)
    code_verifier = fields.String(required=True, validate=validate.Length(min=43, max=128))
    client_id = fields.String(required=True, **TEXT)
    client_secret = fields.String(required=True, **TEXT)


@blp.route("/sign-in")
@public
class SignIn(MethodView):
    @blp.arguments(SignInQuerySchema, location="query")
    @blp.response(302, headers={"Location": {"description": "DfE Sign-in's authorization endpoint",
                                             "schema": {"type": "string"}}})
    def get(self, query):
        """Start signing in: a redirect to DfE Sign-in (authorization code flow with PKCE). A registered client
        names itself, its redirect URI, its state and its PKCE challenge (422 when any is wrong)."""
        ctx = context()
        for_client = client_signin.check_request(ctx.settings, query)
        with ctx.uow() as uow:
            url = signin.begin(uow.session, ctx.settings, _client(), for_client)
            uow.commit()
        return redirect(url, code=302)


@blp.route("/sign-in/callback")
@public
class SignInCallback(MethodView):
    @blp.arguments(CallbackQuerySchema, location="query")
    @blp.response(200, TokensSchema)
    @blp.alt_response(302, description="A client's sign-in: back to its redirect URI with a one-time code, or "
                                       "with error and error_description")
    def get(self, query):
        """Where DfE Sign-in sends the user back: verifies everything, then answers tokens (or, for a client's
        sign-in, sends the browser back to the client with a one-time code).

        Refusals are 401 with a code: invalid_state, state_expired, dsi_error, code_exchange_failed,
        invalid_id_token, id_token_expired, id_token_wrong_audience, id_token_wrong_issuer, invalid_nonce;
        403 no_organisation, no_access, organisation_not_recognised, organisation_closed. For a client's
        sign-in the same codes go back to it as `error`."""
        ctx = context()
        req = None
        try:
            with ctx.uow() as uow:  # the state is used up whatever happens next
                req = signin.take_request(uow.session, query.get("state"))
                uow.commit()
            if query.get("error"):
                raise Unauthorised(f"DfE Sign-in: {query['error']} {query.get('error_description', '')}".strip(),
                                   code="dsi_error")
            if not query.get("code"):
                raise Unauthorised("DfE Sign-in sent no code.", code="dsi_error")
            with ctx.uow() as uow:
                if req.client_id:
                    url = signin.complete_for_client(uow, ctx.settings, _client(), req, query["code"])
                    uow.commit()
                    return redirect(url, code=302)
                tokens = signin.complete(uow, ctx.settings, current_app.extensions["ecf"].extras["signing_key"],
                                         _client(), req, query["code"])
                uow.commit()
            return tokens
        except AppError as error:
            back = client_signin.error_redirect(ctx.settings, req, error) if req is None or req.client_id else None
            if back is None:
                raise
            return redirect(back, code=302)


@blp.route("/sign-in/token")
@public
class SignInToken(MethodView):
    @blp.arguments(CodeExchangeSchema)
    @blp.response(200, TokensSchema)
    def post(self, body):
        """The registered client exchanges a one-time code for the session's tokens (once; within a minute; with
        its secret and the PKCE verifier). 401 invalid_client; 400 invalid_grant."""
        ctx = context()
        with ctx.uow() as uow:
            found = client_signin.take_code(uow.session, ctx.settings, body)
            uow.commit()
        with ctx.uow() as uow:
            tokens = client_signin.tokens_for(uow.session, ctx.settings,
                                              current_app.extensions["ecf"].extras["signing_key"], found, body)
            uow.commit()
        return tokens
