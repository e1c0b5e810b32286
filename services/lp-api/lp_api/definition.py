from pathlib import Path

from ecf_shared.service import ServiceDefinition
from lp_api.handlers import handlers
from lp_api.housekeeping import background_runners
from lp_api.statements import payments
from lp_api.statements.commands import close_statements
from lp_api.settings import LpApiSettings
from lp_api.read_model_commands import add_relationship, rebuild
from lp_api.token_commands import create_token, revoke

DEFINITION = ServiceDefinition(
    name="lp-api",
    package="lp_api",
    settings_cls=LpApiSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=handlers,
    commands={"create-token": create_token, "revoke-token": revoke, "rebuild-read-models": rebuild,
              "add-delivery-partner": add_relationship, "close-statements": close_statements},
    background=lambda settings, db: background_runners(settings, db) + payments.background_runners(settings, db),
)
