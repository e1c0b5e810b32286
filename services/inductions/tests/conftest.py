import pytest

from ecf_shared.testing.service import start_service
from inductions.app import create_app
from inductions.definition import DEFINITION


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer)


@pytest.fixture
def svc(service):
    service.reset()
    return service
