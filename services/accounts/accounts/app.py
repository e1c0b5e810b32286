import json

from accounts.adapters import start_mappers
from accounts.api import blp
from accounts.api_members import blp as members_blp
from accounts.api_signin import blp as signin_blp
from accounts.dsi import DsiClient
from accounts.settings import AccountsSettings
from accounts.signing import SigningKey
from ecf_shared.auth.tokens import TokenVerifier
from ecf_shared.web.app import build_app


def create_app(settings: AccountsSettings, signing_key: SigningKey | None = None):
    start_mappers()
    signing_key = signing_key or SigningKey.from_settings(settings)
    # accounts trusts its own key directly rather than fetching its own JWKS over HTTP.
    verifier = TokenVerifier(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                             jwks_json=json.dumps(signing_key.jwks()))
    app = build_app(settings, title="ECF accounts", blueprints=[blp, members_blp, signin_blp], verifier=verifier,
                    description="Organisations, users, memberships, sign-in and access tokens.",
                    membership_copy=False)  # it holds the memberships: each change re-reads them (caller.py)
    app.extensions["ecf"].extras["signing_key"] = signing_key
    app.extensions["ecf"].extras["dsi_client"] = DsiClient(settings)
    return app


def from_env():
    from ecf_shared import logging

    settings = AccountsSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
