import sys
import threading
from pathlib import Path

import pytest

from accounts.app import create_app
from accounts.definition import DEFINITION
from accounts.signing import generate_pem
from ecf_shared.events.envelope import SYSTEM
from ecf_shared.testing.service import start_service


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer, jwt_private_key=generate_pem(), persona_signin_enabled=True)


try:
    import dsi_standin  # noqa: F401
except ImportError:  # not installed: use it from the work tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "deploy" / "stand-ins" / "dsi"))


@pytest.fixture(scope="session")
def dsi_server():
    """The DfE Sign-in stand-in on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    from dsi_standin.app import create_app as create_standin

    server = make_server("127.0.0.1", 0, create_standin({"client_id": "ecf-test", "client_secret": DSI_SECRET}),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


DSI_SECRET = "ecf-test-dsi-client-secret-long-enough-for-hs256"


@pytest.fixture(scope="session")
def dsi_app(service, dsi_server):
    """accounts configured for the stand-in, on the same database as `service`."""
    settings = service.settings.with_overrides(dsi_issuer_url=dsi_server, dsi_client_id="ecf-test",
                                               dsi_client_secret=DSI_SECRET, public_base_url="http://testserver")
    app = create_app(settings)
    app.testing = True
    return app


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
    """Audit entries, oldest first, less the demo seed's own (organisation_created by the system)."""
    sql = "select * from audit_entries where not (actor_type = 'system' and action = 'organisation_created')"
    if where:
        sql += " and " + " and ".join(f"{k} = %({k})s" for k in where)
    with svc.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.exec_driver_sql(sql + " order by at, id", where)]


def invitation_token(svc, email: str) -> str:
    """The token in the newest invitation email queued to `email` (the inviter's answer never holds it)."""
    from ecf_shared.testing.notify import queued_emails

    link = [e for e in queued_emails(svc.db, "invitation") if e["recipient"] == email][-1]["personalisation"]["accept_url"]
    return link.rsplit("/invitations/", 1)[1]


def contacts_events(svc) -> list[dict]:
    """accounts.school_contacts.changed events, less those the demo seed published."""
    return [e for e in svc.outbox_events("accounts.school_contacts.changed")
            if e["actor"] != SYSTEM.to_dict()]
