from ecf_shared.web.app import build_app
from lp_api import participants_api, partnerships_api, reference_api  # noqa: F401 - they add routes to blp
from lp_api.api import blp
from lp_api.declarations import api as declarations_api  # noqa: F401 - adds routes to blp
from lp_api.statements import api as statements_api  # noqa: F401 - adds routes to blp
from lp_api.statements.finance_api import finance_blp
from lp_api.providers_api import blp as providers_blp
from lp_api.fast_lists import ParticipantListFastPath
from lp_api.settings import LpApiSettings

DESCRIPTION = ("The lead provider API, wire-compatible with v3: lead providers authenticate with their own "
               "bearer tokens; the v3 document itself is at /api/v3/openapi.json. Beyond v3, the delivery partner and "
               "lead provider pages read /delivery-partner/... and /lead-provider/... (through the gateway, "
               "/lp-api/...) with platform access tokens, authorised by the caller's memberships.")


def create_app(settings: LpApiSettings):
    app = build_app(settings, title="ECF lead provider API", blueprints=[blp, finance_blp, providers_blp],
                    description=DESCRIPTION)
    app.wsgi_app = ParticipantListFastPath(app, app.wsgi_app)  # full syncs skip Flask's per-request work
    return app


def from_env():
    from ecf_shared import logging

    settings = LpApiSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
