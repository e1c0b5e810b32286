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


class Provider:
    """A lead provider with a token, and its HTTP calls."""

    def __init__(self, svc, lead_provider_id: str, token_id: str, token: str):
        self.svc, self.id, self.token_id, self.token = svc, lead_provider_id, token_id, token

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, query: dict | None = None):
        return self.svc.client.get(path, query_string=query or {}, headers=self.headers())

    def put(self, path: str, json=None):
        return self.svc.client.put(path, json=json, headers=self.headers())

    def post(self, path: str, json=None):
        return self.svc.client.post(path, json=json, headers=self.headers())


@pytest.fixture
def make_provider(svc, issue_token):
    import uuid

    def make() -> Provider:
        lead_provider_id = str(uuid.uuid4())
        token_id, token = issue_token(lead_provider_id)
        return Provider(svc, lead_provider_id, token_id, token)

    return make
