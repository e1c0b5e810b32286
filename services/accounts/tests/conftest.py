import pytest

from accounts.app import create_app
from accounts.definition import DEFINITION
from accounts.signing import generate_pem
from ecf_shared.testing.service import start_service


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer, jwt_private_key=generate_pem(), persona_signin_enabled=True)


@pytest.fixture
def svc(service):
    service.reset()
    return service


@pytest.fixture
def demo(svc):
    from accounts.demo import organisation_id, seed

    seed(svc.db)
    return organisation_id


def sign_in(client, email):
    response = client.post("/sign-in/persona", json={"email": email})
    assert response.status_code == 200, response.json
    return response.json


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def audit_rows(svc, **where):
    sql = "select * from audit_entries"
    if where:
        sql += " where " + " and ".join(f"{k} = %({k})s" for k in where)
    with svc.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.exec_driver_sql(sql + " order by at, id", where)]
