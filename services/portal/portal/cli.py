"""`python -m portal migrate | web | worker`: the same command line as every service. The portal publishes no
events, so its worker runs no relay: only the housekeeping that deletes ended sessions and used form tokens."""
from __future__ import annotations

from pathlib import Path

from ecf_shared.service import ServiceDefinition, main as service_main
from portal.settings import PortalSettings


def _housekeeping(settings, db):
    from portal.adapters.housekeeping import Housekeeping

    return [("housekeeping", Housekeeping(db, settings.housekeeping_interval_seconds))]


def build_assets(settings, argv) -> int:
    from portal.assets import build

    build()
    return 0


DEFINITION = ServiceDefinition(
    name="portal",
    package="portal",
    settings_cls=PortalSettings,
    migrations=Path(__file__).parent / "migrations",
    background=_housekeeping,
    outbox=False,
    commands={"build-assets": build_assets},
    commands_without_secrets=frozenset({"build-assets"}),
)


def main(argv=None) -> int:
    return service_main(DEFINITION, argv)
