"""Tests for the DfE Sign-in stand-in, through the Flask test client (and once as a real process)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

try:
    from dsi_standin.app import create_app
except ImportError:  # not installed: use it from the work tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from dsi_standin.app import create_app

CLIENT, SECRET = "test-client", "test-secret-that-is-long-enough-for-hs256"
REDIRECT = "http://127.0.0.1:9999/sign-in/callback"
SCHOOL = {"id": "3f7a9c1e-1111-4c4c-8d8d-000000000001", "name": "Oakfield Primary School", "category": "001",
          "urn": "100001", "ukprn": "10000001", "status": 1}
TRUST = {"id": "3f7a9c1e-1111-4c4c-8d8d-000000000002", "name": "Oak Learning Trust", "category": "010", "status": 1}


@pytest.fixture
def client():
    app = create_app({"client_id": CLIENT, "client_secret": SECRET, "redirect_uris": [REDIRECT]})
    c = app.test_client()
    assert c.post("/_test/organisations", json={"organisations": [SCHOOL, TRUST]}).status_code == 200
    seeded = c.post("/_test/users", json={"users": [
        {"sub": "sub-ada", "email": "ada@oakfield.example", "given_name": "Ada", "family_name": "Lovelace",
         "organisations": [{"id": SCHOOL["id"], "roles": ["SchoolApprover"]}, {"id": TRUST["id"], "roles": ["SchoolUser"]}]},
        {"sub": "sub-bo", "email": "bo@oakfield.example", "given_name": "Bo", "family_name": "Peep",
         "organisations": [{"id": SCHOOL["id"], "roles": ["SchoolUser"]}]},
    ]})
    assert seeded.status_code == 200, seeded.get_json()
    return c


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def auth_params(challenge, **over):
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT,
              "scope": "openid profile email organisation", "state": "st-1", "nonce": "n-1",
              "code_challenge": challenge, "code_challenge_method": "S256"}
    params.update(over)
    return {k: v for k, v in params.items() if v is not None}


def get_code(c, challenge, email="ada@oakfield.example", organisation_id=SCHOOL["id"], **over):
    resp = c.post("/auth", data={**auth_params(challenge, **over), "email": email, "organisation_id": organisation_id})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    return query["code"][0], query["state"][0]


def exchange(c, code, verifier, **over):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    data.update(over)
    auth = base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
    return c.post("/token", data=data, headers={"Authorization": f"Basic {auth}"})


def verify(c, token, audience=CLIENT):
    jwks = jwt.PyJWKSet.from_dict(c.get("/certs").get_json())
    key = next(k for k in jwks.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer="http://localhost")


def test_discovery_document(client):
    doc = client.get("/.well-known/openid-configuration").get_json()
    assert doc["issuer"] == "http://localhost"
    assert doc["authorization_endpoint"] == "http://localhost/auth" and doc["jwks_uri"] == "http://localhost/certs"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "organisation"} <= set(doc["scopes_supported"])


def test_authorize_shows_a_sign_in_form_then_an_organisation_picker(client):
    _, challenge = pkce()
    page = client.get("/auth", query_string=auth_params(challenge))
    assert page.status_code == 200 and "ada@oakfield.example" in page.get_data(as_text=True)
    picker = client.get("/auth", query_string={**auth_params(challenge), "email": "ada@oakfield.example"})
    html = picker.get_data(as_text=True)
    assert picker.status_code == 200 and "Select your organisation" in html
    assert SCHOOL["name"] in html and TRUST["name"] in html and 'name="organisation_id"' in html
    # One organisation: nothing to pick.
    single = client.get("/auth", query_string={**auth_params(challenge), "email": "bo@oakfield.example"})
    assert single.status_code == 302 and "code=" in single.headers["Location"]


def test_code_flow_with_pkce_gives_an_id_token_with_the_organisation_claim(client):
    verifier, challenge = pkce()
    code, state = get_code(client, challenge)
    assert state == "st-1"
    resp = exchange(client, code, verifier)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    claims = verify(client, body["id_token"])
    assert claims["sub"] == "sub-ada" and claims["nonce"] == "n-1" and claims["email"] == "ada@oakfield.example"
    assert (claims["given_name"], claims["family_name"]) == ("Ada", "Lovelace")
    assert claims["organisation"] == {"id": SCHOOL["id"], "name": SCHOOL["name"],
                                      "category": {"id": "001", "name": "Establishment"}, "urn": "100001",
                                      "ukprn": "10000001", "status": {"id": 1, "name": "Open"}}
    info = client.get("/me", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["sub"] == "sub-ada" and info["organisation"]["id"] == SCHOOL["id"]
    # A code works once.
    again = exchange(client, code, verifier)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_token_endpoint_checks_pkce_client_and_redirect(client):
    verifier, challenge = pkce()
    code, _ = get_code(client, challenge)
    assert exchange(client, code, "not-the-verifier").get_json()["error_description"] == "PKCE verification failed."
    code, _ = get_code(client, challenge)
    assert exchange(client, code, verifier, redirect_uri="http://elsewhere/cb").get_json()["error"] == "invalid_grant"
    code, _ = get_code(client, challenge)
    bad_client = client.post("/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                             "code_verifier": verifier, "client_id": CLIENT, "client_secret": "wrong"})
    assert bad_client.status_code == 401 and bad_client.get_json()["error"] == "invalid_client"
    post_auth = client.post("/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                            "code_verifier": verifier, "client_id": CLIENT, "client_secret": SECRET})
    assert post_auth.status_code == 200  # client_secret_post works too


def test_authorize_refuses_bad_requests(client):
    _, challenge = pkce()
    unknown_client = client.get("/auth", query_string=auth_params(challenge, client_id="nobody"))
    assert unknown_client.status_code == 400
    unregistered = client.get("/auth", query_string=auth_params(challenge, redirect_uri="http://evil.example/cb"))
    assert unregistered.status_code == 400
    no_pkce = client.get("/auth", query_string=auth_params(None, code_challenge_method=None))
    assert no_pkce.status_code == 302 and "error=invalid_request" in no_pkce.headers["Location"]
    wrong_org = client.post("/auth", data={**auth_params(challenge), "email": "bo@oakfield.example",
                                           "organisation_id": TRUST["id"]})
    assert wrong_org.status_code == 400


def test_roles_api(client):
    api = jwt.encode({"iss": CLIENT, "aud": "signin.education.gov.uk"}, SECRET, algorithm="HS256")
    url = f"/services/{CLIENT}/organisations/{SCHOOL['id']}/users/sub-ada"
    resp = client.get(url, headers={"Authorization": f"Bearer {api}"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["userId"], body["serviceId"], body["organisationId"]) == ("sub-ada", CLIENT, SCHOOL["id"])
    role, = body["roles"]
    assert role["code"] == "SchoolApprover" and role["name"] == "School Approver" and role["status"] == {"id": 1}
    assert set(role) == {"id", "name", "code", "numericId", "status"}
    assert client.get(url).status_code == 401
    forged = jwt.encode({"iss": CLIENT, "aud": "signin.education.gov.uk"}, "not-the-secret-but-long-enough-for-hs256", algorithm="HS256")
    assert client.get(url, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    not_member = f"/services/{CLIENT}/organisations/{TRUST['id']}/users/sub-bo"
    assert client.get(not_member, headers={"Authorization": f"Bearer {api}"}).status_code == 404
    other_service = f"/services/another/organisations/{SCHOOL['id']}/users/sub-ada"
    assert client.get(other_service, headers={"Authorization": f"Bearer {api}"}).status_code == 403


@pytest.mark.parametrize("fault", ["tampered", "expired", "wrong_audience", "wrong_issuer", "foreign_key", "unsigned"])
def test_minted_and_queued_faulty_id_tokens_do_not_verify(client, fault):
    minted = client.post("/_test/id-token", json={"email": "ada@oakfield.example", "nonce": "n", "fault": fault})
    assert minted.status_code == 200
    with pytest.raises((jwt.InvalidTokenError, StopIteration, KeyError)):
        verify(client, minted.get_json()["id_token"])
    assert client.post("/_test/token-faults", json={"faults": [fault]}).status_code == 200
    verifier, challenge = pkce()
    code, _ = get_code(client, challenge)
    with pytest.raises((jwt.InvalidTokenError, StopIteration, KeyError)):
        verify(client, exchange(client, code, verifier).get_json()["id_token"])
    code, _ = get_code(client, challenge)  # a queued fault applies once
    verify(client, exchange(client, code, verifier).get_json()["id_token"])


def test_minted_tokens_can_name_another_audience_and_nonce(client):
    minted = client.post("/_test/id-token", json={"sub": "sub-bo", "audience": "other", "nonce": "xyz"}).get_json()
    claims = verify(client, minted["id_token"], audience="other")
    assert claims["nonce"] == "xyz" and claims["organisation"]["id"] == SCHOOL["id"]


def test_seed_validation_and_reset(client):
    bad = client.post("/_test/users", json={"email": "x@y.example", "given_name": "X"})
    assert bad.status_code == 400 and "family_name" in bad.get_json()["detail"]
    unknown_org = client.post("/_test/users", json={"email": "x@y.example", "given_name": "X", "family_name": "Y",
                                                    "organisations": [{"id": "nope", "roles": []}]})
    assert unknown_org.status_code == 400
    assert client.post("/_test/token-faults", json=["bogus"]).status_code == 400
    assert client.post("/_test/reset").get_json() == {"reset": True}
    assert client.get("/_test/users").get_json() == {"users": []}


def test_hooks_can_be_switched_off():
    app = create_app({"test_hooks": False})
    assert app.test_client().post("/_test/reset").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runs_as_a_process_with_gunicorn():
    port = _free_port()
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "DSI_ISSUER": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, "-m", "dsi_standin", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import requests

        deadline = time.monotonic() + 20
        while True:
            try:
                doc = requests.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1).json()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert doc["issuer"] == f"http://127.0.0.1:{port}"
        assert json.loads(requests.get(doc["jwks_uri"], timeout=2).text)["keys"][0]["alg"] == "RS256"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_seed_file_is_loaded_at_start():
    seed = Path(__file__).resolve().parents[1] / "demo-seed.json"
    app = create_app({"seed_file": str(seed)})
    users = app.test_client().get("/_test/users").get_json()["users"]
    alice = next(u for u in users if u["email"] == "alice@oakfield.example")
    assert alice["organisations"][0]["urn"] == "100001" and alice["organisations"][0]["roles"] == ["SchoolApprover"]
