"""Signing in for the registered client (the portal): the browser only ever carries a one-time code; the client's
server exchanges it for the tokens with its secret and PKCE verifier."""
import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from accounts.app import create_app
from conftest import bearer, sign_in
from test_dsi_sign_in import OAKFIELD_DSI, Dsi

PORTAL = "http://portal.test/sign-in/callback"
SECRET = "portal-client-secret-for-tests-only"


@pytest.fixture
def client_dsi(service, dsi_server, dsi_app, demo):
    settings = dsi_app.extensions["ecf"].settings.with_overrides(
        signin_client_id="portal", signin_client_secret=SECRET, signin_redirect_uris=f"{PORTAL},http://other.test/cb")
    app = create_app(settings)
    app.testing = True
    requests.post(f"{dsi_server}/_test/reset", timeout=5).raise_for_status()
    requests.post(f"{dsi_server}/_test/organisations", json={"organisations": [
        {"id": OAKFIELD_DSI, "name": "Oakfield Primary School", "category": "001", "urn": "100001", "status": 1}]},
        timeout=5).raise_for_status()
    return Portal(Dsi(dsi_server, app.test_client()))


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class Portal:
    """What the portal's server does."""

    def __init__(self, dsi: Dsi):
        self.dsi, self.client = dsi, dsi.client
        self.verifier, self.state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)

    def start(self, **overrides):
        query = {"client_id": "portal", "redirect_uri": PORTAL, "state": self.state,
                 "code_challenge": _challenge(self.verifier), "code_challenge_method": "S256", **overrides}
        return self.client.get("/sign-in", query_string=query)

    def through_dsi(self, email, organisation_id):
        """The browser goes to DSI, picks, comes back to accounts' callback: accounts' answer to the browser."""
        started = self.start()
        assert started.status_code == 302, started.json
        params = {k: v[0] for k, v in parse_qs(urlsplit(started.headers["Location"]).query).items()}
        answer = requests.post(f"{self.dsi.url}/auth", data={**params, "email": email, "organisation_id": organisation_id},
                               allow_redirects=False, timeout=5)
        back = parse_qs(urlsplit(answer.headers["Location"]).query)
        return self.dsi.callback(back["code"][0], back["state"][0])

    def exchange(self, code, **overrides):
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": PORTAL,
                "code_verifier": self.verifier, "client_id": "portal", "client_secret": SECRET, **overrides}
        return self.client.post("/sign-in/token", json=body)


def _back(response) -> dict:
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith(PORTAL + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_browser_gets_a_one_time_code_and_the_client_gets_the_tokens(svc, client_dsi):
    client_dsi.dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    answer = client_dsi.through_dsi("nia@oakfield.example", OAKFIELD_DSI)
    back = _back(answer)
    assert back["state"] == client_dsi.state and back["code"]
    assert "access_token" not in answer.get_data(as_text=True) and "refresh_token" not in answer.headers["Location"]

    tokens = client_dsi.exchange(back["code"])
    assert tokens.status_code == 200, tokens.json
    assert tokens.json["refresh_token"] and tokens.json["acting_organisation_id"]
    me = svc.client.get("/me", headers=bearer(tokens.json))
    assert me.json["email"] == "nia@oakfield.example"
    refreshed = svc.client.post("/tokens/refresh", json={"refresh_token": tokens.json["refresh_token"]})
    assert refreshed.status_code == 200

    again = client_dsi.exchange(back["code"])
    assert again.status_code == 400 and again.json["code"] == "invalid_grant"
    with svc.db.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from sign_in_codes").scalar() == 0
        stored = conn.exec_driver_sql("select code_hash from sign_in_codes").all()
    assert back["code"] not in str(stored)


@pytest.mark.parametrize("overrides, status, code", [
    ({"code_verifier": "x" * 50}, 400, "invalid_grant"),
    ({"client_secret": "wrong"}, 401, "invalid_client"),
    ({"redirect_uri": "http://other.test/cb"}, 400, "invalid_grant"),
])
def test_a_code_needs_its_verifier_secret_and_redirect(svc, client_dsi, overrides, status, code):
    client_dsi.dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    back = _back(client_dsi.through_dsi("nia@oakfield.example", OAKFIELD_DSI))
    refused = client_dsi.exchange(back["code"], **overrides)
    assert refused.status_code == status and refused.json["code"] == code, refused.json
    if status == 400:  # a code presented by the right client is gone, even when refused
        assert client_dsi.exchange(back["code"]).status_code == 400


def test_an_expired_code_is_refused(svc, client_dsi):
    client_dsi.dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    back = _back(client_dsi.through_dsi("nia@oakfield.example", OAKFIELD_DSI))
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update sign_in_codes set expires_at = now() - interval '1 second'")
    refused = client_dsi.exchange(back["code"])
    assert refused.status_code == 400 and "expired" in refused.json["message"]


@pytest.mark.parametrize("overrides, field", [
    ({"client_id": "someone-else"}, "client_id"),
    ({"redirect_uri": "http://evil.test/steal"}, "redirect_uri"),
    ({"code_challenge_method": None, "code_challenge": None}, "code_challenge"),
])
def test_only_the_registered_client_and_its_redirects_may_start(svc, client_dsi, overrides, field):
    refused = client_dsi.start(**{k: v for k, v in overrides.items() if v is not None},
                               **({"code_challenge": ""} if field == "code_challenge" else {}))
    assert refused.status_code == 422 and field in refused.json["fields"], refused.json


def test_a_refusal_goes_back_to_the_client_as_an_error(svc, client_dsi):
    client_dsi.dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: []})
    back = _back(client_dsi.through_dsi("nia@oakfield.example", OAKFIELD_DSI))
    assert back["error"] == "no_access" and back["state"] == client_dsi.state and "approver" in back["error_description"]
    forged = _back(client_dsi.dsi.callback("a-code", "a-state-nobody-made"))
    assert forged["error"] == "invalid_state" and "state" not in forged


def test_personas_are_listed_only_when_persona_sign_in_is_on(svc, demo):
    listed = svc.client.get("/sign-in/personas")
    assert listed.status_code == 200
    priya = next(p for p in listed.json if p["email"] == "priya@providers.example")
    assert {o["name"] for o in priya["organisations"]} >= {"Kingsbridge Teaching School Hub", "Riverside Academy"}
    off = create_app(svc.settings.with_overrides(persona_signin_enabled=False)).test_client()
    assert off.get("/sign-in/personas").status_code == 404


def test_my_organisations_are_listed_with_names_even_before_choosing_one(svc, demo):
    tokens = sign_in(svc.client, "priya@providers.example")
    assert tokens["acting_organisation_id"] is None  # hat mode, several organisations: nothing chosen yet
    mine = svc.client.get("/me/organisations", headers=bearer(tokens)).json
    assert {(o["name"], o["type"], o["role"]) for o in mine} == {
        ("Kingsbridge Teaching School Hub", "appropriate_body", "end_user"),
        ("Westmoor Teaching School Hub", "appropriate_body", "end_user"),
        ("Riverside Academy", "school", "end_user"), ("Harbour Training", "training_provider", "approver"),
        ("Delta Partners", "delivery_partner", "end_user")}
    assert svc.client.get("/me/organisations").status_code == 401
