from pathlib import Path

from ecf_shared.service import ServiceDefinition
from inductions.handlers import handlers
from inductions.in_flight.cli import import_in_flight
from inductions.in_flight.uploads import background_runners
from inductions.settings import InductionsSettings

DEFINITION = ServiceDefinition(
    name="inductions",
    package="inductions",
    settings_cls=InductionsSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=handlers,
    commands={"import-in-flight": import_in_flight},
    background=background_runners,
)
