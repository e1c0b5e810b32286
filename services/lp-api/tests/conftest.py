import pytest

from ecf_shared.testing.service import start_service
from lp_api.app import create_app
from lp_api.definition import DEFINITION


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer)


@pytest.fixture
def svc(service):
    service.reset()
    service.app.extensions["ecf"].extras.pop("last_used_throttle", None)
    return service


@pytest.fixture
def issue_token(svc):
    """Factory: a fresh API token for a lead provider; returns (token id, plaintext token)."""
    from lp_api.token_store import issue_token as issue

    def make(lead_provider_id: str, name: str = "test token") -> tuple[str, str]:
        with svc.app.extensions["ecf"].uow() as uow:
            issued = issue(uow.session, svc.settings.lp_token_hash_key, lead_provider_id=lead_provider_id,
                           name=name, performed_by="pytest")
            uow.commit()
        return issued.id, issued.token

    return make
