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
INDEPENDENT_SCHOOL = str(uuid.uuid4())
LA_AB = str(uuid.uuid4())
NATIONAL_AB = str(uuid.uuid4())
OTHER_LEAD_PROVIDER = str(uuid.uuid4())

ORGANISATIONS = (
    {"organisation_id": SCHOOL, "type": "school", "name": "Oakfield Primary", "urn": "100001", "state_funded": True},
    {"organisation_id": OTHER_SCHOOL, "type": "school", "name": "Riverside Academy", "urn": "100002"},
    {"organisation_id": INDEPENDENT_SCHOOL, "type": "school", "name": "Hillcrest College", "urn": "100003",
     "state_funded": False},
    {"organisation_id": LEAD_PROVIDER, "type": "lead_provider", "name": "Northern Lights"},
    {"organisation_id": OTHER_LEAD_PROVIDER, "type": "lead_provider", "name": "Southern Stars"},
    {"organisation_id": AB, "type": "appropriate_body", "name": "Kingsbridge TSH"},  # no kind: a hub
    {"organisation_id": LA_AB, "type": "appropriate_body", "name": "Shire Council", "establishment_type": "local_authority"},
    {"organisation_id": NATIONAL_AB, "type": "appropriate_body", "name": "National AB", "establishment_type": "national"},
)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def ect_body(**overrides):
    data = {"trn": "1234567", "date_of_birth": "1995-04-01", "started_on": "2026-09-01", "email": "ada@school.example",
            "working_pattern": "full_time", "appropriate_body_id": AB, "training_programme": "provider_led",
            "lead_provider_id": LEAD_PROVIDER, "cohort": 2026}
    data.update(overrides)
    return data


def mentor_body(**overrides):
    data = {"trn": "8000001", "date_of_birth": "1995-04-01", "started_on": "2026-09-01", "email": "max@school.example",
            "lead_provider_id": LEAD_PROVIDER, "cohort": 2026}
    data.update(overrides)
    return data


def staff_acting_for(token_issuer, school_id, reason="Support ticket 4821: school asked for help"):
    return token_issuer.issue(staff_role="admin", acting_for={"organisation_id": school_id, "reason": reason},
                              email="sam.staff@education.gov.uk", name="Sam Staff")


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
    for org in ORGANISATIONS:
        service.send("accounts.organisation.created", {"status": "open", **org})
    service.consume()
    return service
