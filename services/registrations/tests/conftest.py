import uuid

import pytest

from ecf_shared.testing.fake_trs_sync import FakeTrsSync
from ecf_shared.testing.service import start_service
from registrations.app import create_app
from registrations.definition import DEFINITION

SCHOOL = str(uuid.uuid4())
OTHER_SCHOOL = str(uuid.uuid4())
LEAD_PROVIDER = str(uuid.uuid4())
AB = str(uuid.uuid4())


@pytest.fixture(scope="session")
def fake_trs_sync():
    fake = FakeTrsSync()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer, fake_trs_sync):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer, trs_sync_url=fake_trs_sync.url)


@pytest.fixture
def svc(service, fake_trs_sync):
    service.reset()
    fake_trs_sync.teachers.clear()
    fake_trs_sync.deactivated.clear()
    fake_trs_sync.down = False
    for org_id, org_type, name, urn in ((SCHOOL, "school", "Oakfield Primary", "100001"),
                                        (OTHER_SCHOOL, "school", "Riverside Academy", "100002"),
                                        (LEAD_PROVIDER, "lead_provider", "Northern Lights", None),
                                        (AB, "appropriate_body", "Kingsbridge TSH", None)):
        service.send("accounts.organisation.created", {"organisation_id": org_id, "type": org_type, "name": name,
                                                        "urn": urn, "status": "open"})
    service.consume()
    return service
