from pathlib import Path

from ecf_shared.emails.sender import background_runners
from ecf_shared.service import ServiceDefinition
from registrations.handlers import handlers
from registrations.settings import RegistrationsSettings

DEFINITION = ServiceDefinition(
    name="registrations",
    package="registrations",
    settings_cls=RegistrationsSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=handlers,
    background=background_runners,
)
