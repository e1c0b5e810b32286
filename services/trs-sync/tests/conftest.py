import threading

import pytest
import requests
from werkzeug.serving import make_server

from ecf_shared.testing.service import start_service
from trs_standin.app import create_app as create_trs_standin
from trs_sync.app import create_app
from trs_sync.definition import DEFINITION

TRS_KEY = "dev-trs-key"


class TrsStandIn:
    """The TRS stand-in on a loopback port, driven through its /_test hooks."""

    def __init__(self):
        self.server = make_server("127.0.0.1", 0, create_trs_standin({"api_keys": [TRS_KEY]}), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _post(self, path: str, body) -> dict:
        response = requests.post(f"{self.url}/_test/{path}", json=body, timeout=5)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._post("reset", {})

    def seed(self, trn: str, **fields) -> None:
        person = {"firstName": "Ada", "middleName": "", "lastName": "Lovelace", "dateOfBirth": "1990-05-17",
                  "qtsDate": "2023-07-01", **fields, "trn": trn}
        self._post("persons", person)

    def fault(self, *faults: dict) -> None:
        self._post("faults", list(faults))

    def person(self, trn: str) -> dict:
        return requests.get(f"{self.url}/_test/persons/{trn}", timeout=5).json()

    def received(self, kind: str = "put", trn: str | None = None) -> list[dict]:
        found = requests.get(f"{self.url}/_test/requests", params={"kind": kind}, timeout=5).json()["requests"]
        return [r for r in found if trn is None or r["trn"] == trn]


@pytest.fixture(scope="session")
def trs_standin():
    standin = TrsStandIn()
    yield standin
    standin.server.shutdown()


@pytest.fixture(scope="session")
def service(make_database, make_vhost, token_issuer, trs_standin):
    return start_service(DEFINITION, create_app, make_database=make_database, make_vhost=make_vhost,
                         token_issuer=token_issuer, trs_api_url=trs_standin.url, trs_api_key=TRS_KEY,
                         trs_timeout_seconds=2.0, trs_circuit_failures=3, trs_circuit_cool_down_seconds=0.3)


@pytest.fixture
def svc(service, trs_standin):
    service.reset()
    trs_standin.reset()
    service.app.extensions["ecf"].extras["teacher_lookup"].cache.clear()
    return service


@pytest.fixture
def user_headers(token_issuer):
    return {"Authorization": f"Bearer {token_issuer.issue()}"}


@pytest.fixture
def staff_headers(token_issuer):
    return {"Authorization": f"Bearer {token_issuer.issue(staff_role='admin')}"}
