import uuid
from datetime import date

import pytest

from ecf_shared.testing.fake_trs_sync import FakeTrsSync
from ecf_shared.testing.harness import drain
from ecf_shared.testing.service import start_service
from inductions.app import create_app
from inductions.clock import Clock
from inductions.definition import DEFINITION
from inductions.handlers import handlers

TODAY = date(2026, 11, 20)
AB = str(uuid.uuid4())
OTHER_AB = str(uuid.uuid4())


@pytest.fixture(scope="session")
def clock():
    return Clock(TODAY)


@pytest.fixture(scope="session")
def fake_trs_sync():
    fake = FakeTrsSync()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer, fake_trs_sync, clock):
    return start_service(DEFINITION, lambda settings: create_app(settings, clock=clock), make_database=make_database,
                         make_vhost=make_vhost, token_issuer=token_issuer, trs_sync_url=fake_trs_sync.url)


@pytest.fixture
def svc(service, fake_trs_sync, clock):
    service.reset()
    fake_trs_sync.teachers.clear()
    fake_trs_sync.deactivated.clear()
    fake_trs_sync.finds.clear()
    fake_trs_sync.down = False
    fake_trs_sync.refuse_tokens = False
    clock.fixed = TODAY
    return service


@pytest.fixture
def consume(svc, clock):
    """Consume what was sent, with the handlers on the test's clock."""
    return lambda: drain(svc.consumer(handlers(svc.settings, svc.db, clock=clock)))


class Api:
    """The service through its HTTP API, as one caller."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None):
        return self.client.post(path, json=json or {}, headers=self.headers)

    def patch(self, path, json):
        return self.client.patch(path, json=json, headers=self.headers)


def ab_token(token_issuer, ab_id, role="end_user", **kw):
    return token_issuer.issue(memberships=[{"organisation_id": ab_id, "organisation_type": "appropriate_body", "role": role}],
                              acting_organisation_id=ab_id, email=f"user@{ab_id[:8]}.example", **kw)


@pytest.fixture
def ab(svc, token_issuer):
    return Api(svc.client, ab_token(token_issuer, AB))


@pytest.fixture
def other_ab(svc, token_issuer):
    return Api(svc.client, ab_token(token_issuer, OTHER_AB))


@pytest.fixture
def admin(svc, token_issuer):
    return Api(svc.client, token_issuer.issue(staff_role="admin", email="admin@education.gov.uk"))


@pytest.fixture
def support(svc, token_issuer):
    return Api(svc.client, token_issuer.issue(staff_role="support"))
