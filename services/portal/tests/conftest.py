import pytest

from ecf_shared.migrations import upgrade
from portal.cli import DEFINITION
from portal.settings import PortalSettings

SECRET = "portal-tests-secret-key-that-is-long-enough"


@pytest.fixture(scope="session")
def settings(make_database):
    url = make_database("portal")
    upgrade(url, "portal", DEFINITION.migrations)
    return PortalSettings.from_env({}, database_url=url, secret_key=SECRET, gateway_url="http://127.0.0.1:9")


@pytest.fixture
def db(settings):
    from ecf_shared.db import Database

    database = Database(settings.database_url, "portal")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("truncate sessions, form_tokens")
    yield database
    database.dispose()
