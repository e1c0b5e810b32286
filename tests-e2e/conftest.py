"""The whole system, started as the local run starts it (honcho + Procfile + nginx), on its own ports,
in its own database and vhost. Tests talk to it only through the gateway (and to the TRS stand-in's
test hooks, because TRS is not ours)."""
import os

import pytest

from system import eventually, stack, start_system  # noqa: F401 - eventually is used by the tests


@pytest.fixture(scope="session")
def system(make_database, make_vhost, tmp_path_factory):
    system, process, log = start_system(make_database, make_vhost, tmp_path_factory.mktemp("stack"),
                                        gateway_port=int(os.environ.get("E2E_GATEWAY_PORT", "18080")),
                                        port_base=int(os.environ.get("E2E_PORT_BASE", "18000")))
    try:
        yield system
    finally:
        stack.stop(process)
        if os.environ.get("E2E_SHOW_LOG"):
            print(log.read_text()[-20000:])
