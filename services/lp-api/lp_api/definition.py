from pathlib import Path

from ecf_shared.service import ServiceDefinition
from lp_api.handlers import handlers
from lp_api.settings import LpApiSettings
from lp_api.token_commands import COMMANDS

DEFINITION = ServiceDefinition(
    name="lp-api",
    package="lp_api",
    settings_cls=LpApiSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=handlers,
    commands=COMMANDS,
)
