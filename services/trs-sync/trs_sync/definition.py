from pathlib import Path

from ecf_shared.service import ServiceDefinition
from trs_sync.commands import background_runners, drift_check
from trs_sync.handlers import handlers
from trs_sync.settings import TrsSyncSettings

DEFINITION = ServiceDefinition(
    name="trs-sync",
    package="trs_sync",
    settings_cls=TrsSyncSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=handlers,
    commands={"drift-check": drift_check},
    background=background_runners,
)
