"""The whole system, started as the local run starts it (honcho + Procfile + nginx), on its own ports,
in its own database and vhost. Tests talk to it only through the gateway (and to the TRS stand-in's
test hooks, because TRS is not ours)."""
import os

import pytest

from system import eventually, session_system, stack  # noqa: F401 - eventually and stack are used by the tests


@pytest.fixture(scope="session")
def system(make_database, make_vhost, tmp_path_factory):
    yield from session_system(make_database, make_vhost, tmp_path_factory,
                              gateway_port=int(os.environ.get("E2E_GATEWAY_PORT", "18080")),
                              port_base=int(os.environ.get("E2E_PORT_BASE", "18000")))
