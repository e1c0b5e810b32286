"""Signing in with DfE Sign-in, against the stand-in on a loopback port."""
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ecf_shared.auth.tokens import TokenVerifier
from conftest import contacts_events, bearer

OAKFIELD_DSI = "0b6b1c84-5a0e-4a7d-9a55-1f3c2a000001"
NEW_LP_DSI = "0b6b1c84-5a0e-4a7d-9a55-1f3c2a000002"
DFE_DSI = "0b6b1c84-5a0e-4a7d-9a55-1f3c2a000003"


@pytest.fixture
def dsi(dsi_server, dsi_app, demo):
    requests.post(f"{dsi_server}/_test/reset", timeout=5).raise_for_status()
    seeded = requests.post(f"{dsi_server}/_test/organisations", json={"organisations": [
        {"id": OAKFIELD_DSI, "name": "Oakfield Primary School", "category": "001", "urn": "100001", "status": 1},
        {"id": NEW_LP_DSI, "name": "Summit Teacher Training", "category": "008", "ukprn": "10099999", "status": 1},
        {"id": DFE_DSI, "name": "Department for Education", "category": "011", "status": 1},
    ]}, timeout=5)
    seeded.raise_for_status()
    return Dsi(dsi_server, dsi_app.test_client())


class Dsi:
    def __init__(self, url, client):
        self.url, self.client = url, client

    def user(self, sub, email, given="Nia", family="New", **roles):
        spec = {"sub": sub, "email": email, "given_name": given, "family_name": family,
                "organisations": [{"id": org, "roles": codes} for org, codes in roles.items()]}
        requests.post(f"{self.url}/_test/users", json=spec, timeout=5).raise_for_status()

    def faults(self, *faults):
        requests.post(f"{self.url}/_test/token-faults", json={"faults": list(faults)}, timeout=5).raise_for_status()

    def authorize(self, email, organisation_id):
        """GET /sign-in, then pick the user and organisation at the stand-in: DSI's redirect back."""
        start = self.client.get("/sign-in")
        assert start.status_code == 302, start.json
        location = start.headers["Location"]
        assert location.startswith(f"{self.url}/auth?")
        params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert params["code_challenge_method"] == "S256" and params["nonce"] and params["state"]
        assert params["scope"] == "openid profile email organisation"
        answer = requests.post(f"{self.url}/auth", data={**params, "email": email, "organisation_id": organisation_id},
                               allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        back = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert answer.headers["Location"].startswith("http://testserver/sign-in/callback?")
        return back["code"][0], back["state"][0]

    def callback(self, code, state):
        return self.client.get("/sign-in/callback", query_string={"code": code, "state": state})

    def sign_in(self, email, organisation_id):
        return self.callback(*self.authorize(email, organisation_id))


def _claims(client, token):
    jwks = client.get("/.well-known/jwks.json").json
    return TokenVerifier(issuer="ecf-accounts", audience="ecf", jwks_json=json.dumps(jwks)).verify(token)


def test_first_sign_in_creates_the_user_and_membership_then_updates_them(svc, dsi, demo):
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    signed_in = dsi.sign_in("nia@oakfield.example", OAKFIELD_DSI)
    assert signed_in.status_code == 200, signed_in.json
    claims = _claims(dsi.client, signed_in.json["access_token"])
    assert claims["email"] == "nia@oakfield.example" and claims["name"] == "Nia New"
    assert claims["memberships"] == [{"organisation_id": demo("school-1"), "organisation_type": "school", "role": "end_user"}]
    assert claims["acting_organisation_id"] == demo("school-1") and signed_in.json["refresh_token"]
    assert svc.client.get("/me", headers=bearer(signed_in.json)).json["email"] == "nia@oakfield.example"
    with svc.db.engine.connect() as conn:
        assert conn.exec_driver_sql("select dsi_organisation_id from organisations where urn = '100001'").scalar() == OAKFIELD_DSI
        assert conn.exec_driver_sql("select dsi_subject from users where email = 'nia@oakfield.example'").scalar() == "sub-nia"
    added, = svc.outbox_events("accounts.membership.added")
    assert added["data"]["email"] == "nia@oakfield.example" and added["actor"]["user_id"] == claims["sub"]
    assert "nia@oakfield.example" in contacts_events(svc)[-1]["data"]["user_emails"]

    # Next time: matched by subject, though DSI now has a new email, name and role.
    dsi.user("sub-nia", "nia.new@oakfield.example", family="Married", **{OAKFIELD_DSI: ["SchoolApprover"]})
    again = dsi.sign_in("nia.new@oakfield.example", OAKFIELD_DSI)
    assert again.status_code == 200, again.json
    claims2 = _claims(dsi.client, again.json["access_token"])
    assert claims2["sub"] == claims["sub"] and claims2["email"] == "nia.new@oakfield.example"
    assert claims2["name"] == "Nia Married" and claims2["memberships"][0]["role"] == "approver"
    assert len(svc.outbox_events("accounts.membership.added")) == 1
    changed, = svc.outbox_events("accounts.membership.role_changed")
    assert changed["data"]["previous_role"] == "end_user"


def test_an_existing_account_is_matched_by_email_only_on_its_first_dsi_sign_in(svc, dsi, demo):
    dsi.user("sub-alice", "Alice@Oakfield.example", given="Alice", family="Approver", **{OAKFIELD_DSI: ["SchoolApprover"]})
    first = dsi.sign_in("Alice@Oakfield.example", OAKFIELD_DSI)
    assert first.status_code == 200, first.json
    with svc.db.engine.connect() as conn:
        alice = conn.exec_driver_sql("select id, dsi_subject from users where lower(email) = 'alice@oakfield.example'").one()
    assert alice.dsi_subject == "sub-alice" and _claims(dsi.client, first.json["access_token"])["sub"] == str(alice.id)
    # Another DSI account with the same email is not her.
    dsi.user("sub-impostor", "alice@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    impostor = dsi.sign_in("sub-impostor", OAKFIELD_DSI)  # the stand-in also takes a subject to sign in
    assert impostor.status_code == 409 and impostor.json["code"] == "email_in_use"


def test_a_new_organisation_and_a_staff_user(svc, dsi, demo):
    dsi.user("sub-lp", "lee@summit.example", **{NEW_LP_DSI: ["LeadProviderUser"]})
    lp = dsi.sign_in("lee@summit.example", NEW_LP_DSI)
    assert lp.status_code == 200, lp.json
    membership, = _claims(dsi.client, lp.json["access_token"])["memberships"]
    assert membership["organisation_type"] == "lead_provider" and membership["role"] == "end_user"
    created = svc.outbox_events("accounts.organisation.created")[-1]
    assert created["data"]["name"] == "Summit Teacher Training" and created["data"]["ukprn"] == "10099999"
    assert created["data"]["dsi_organisation_id"] == NEW_LP_DSI

    dsi.user("sub-staff", "dee@education.gov.uk", **{DFE_DSI: ["DfEAdmin"]})
    staff = dsi.sign_in("dee@education.gov.uk", DFE_DSI)
    assert staff.status_code == 200, staff.json
    claims = _claims(dsi.client, staff.json["access_token"])
    assert claims["staff_role"] == "admin" and claims["memberships"] == []

    dsi.user("sub-finance", "fay@education.gov.uk", **{DFE_DSI: ["DfEFinance"]})
    finance = dsi.sign_in("fay@education.gov.uk", DFE_DSI)
    assert finance.status_code == 200, finance.json
    assert _claims(dsi.client, finance.json["access_token"])["staff_role"] == "finance"


def test_the_organisation_picked_at_dsi_is_the_acting_one(svc, dsi, demo):
    dsi.user("sub-multi", "mo@multi.example", **{OAKFIELD_DSI: ["SchoolUser"], NEW_LP_DSI: ["LeadProviderApprover"]})
    assert dsi.sign_in("mo@multi.example", OAKFIELD_DSI).status_code == 200
    second = dsi.sign_in("mo@multi.example", NEW_LP_DSI)
    claims = _claims(dsi.client, second.json["access_token"])
    assert len(claims["memberships"]) == 2
    acting = next(m for m in claims["memberships"] if m["organisation_id"] == claims["acting_organisation_id"])
    assert acting == {"organisation_id": acting["organisation_id"], "organisation_type": "lead_provider", "role": "approver"}


@pytest.mark.parametrize("fault, code", [
    ("tampered", "invalid_id_token"),
    ("foreign_key", "invalid_id_token"),
    ("unsigned", "invalid_id_token"),
    ("expired", "id_token_expired"),
    ("wrong_audience", "id_token_wrong_audience"),
    ("wrong_issuer", "id_token_wrong_issuer"),
    ("wrong_nonce", "invalid_nonce"),
])
def test_a_bad_id_token_is_refused(svc, dsi, demo, fault, code):
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    dsi.faults(fault)
    refused = dsi.sign_in("nia@oakfield.example", OAKFIELD_DSI)
    assert refused.status_code == 401 and refused.json["code"] == code, refused.json
    with svc.db.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from users where email = 'nia@oakfield.example'").scalar() == 0
    assert svc.outbox_events("accounts.membership.added") == []


def test_a_bad_or_reused_state_is_refused(svc, dsi, demo):
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    code, state = dsi.authorize("nia@oakfield.example", OAKFIELD_DSI)
    forged = dsi.callback(code, "not-a-state-we-made")
    assert forged.status_code == 401 and forged.json["code"] == "invalid_state"
    assert dsi.callback(code, state).status_code == 200
    replay = dsi.callback(code, state)
    assert replay.status_code == 401 and replay.json["code"] == "invalid_state"
    missing = dsi.client.get("/sign-in/callback", query_string={"code": code})
    assert missing.status_code == 401 and missing.json["code"] == "invalid_state"


def test_an_expired_state_or_a_dsi_error_is_refused(svc, dsi, demo):
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    code, state = dsi.authorize("nia@oakfield.example", OAKFIELD_DSI)
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update oidc_requests set expires_at = now() - interval '1 second'")
    late = dsi.callback(code, state)
    assert late.status_code == 401 and late.json["code"] == "state_expired"
    dsi.client.get("/sign-in")
    with svc.db.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from oidc_requests").scalar() == 1  # expired ones cleared
    _, state = dsi.authorize("nia@oakfield.example", OAKFIELD_DSI)
    denied = dsi.client.get("/sign-in/callback", query_string={"error": "access_denied", "state": state})
    assert denied.status_code == 401 and denied.json["code"] == "dsi_error"


def test_the_code_must_come_with_its_own_verifier(svc, dsi, demo):
    """A code obtained for one sign-in cannot be redeemed with another sign-in's state (PKCE)."""
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: ["SchoolUser"]})
    code_a, _ = dsi.authorize("nia@oakfield.example", OAKFIELD_DSI)
    _, state_b = dsi.authorize("nia@oakfield.example", OAKFIELD_DSI)
    swapped = dsi.callback(code_a, state_b)
    assert swapped.status_code == 401 and swapped.json["code"] == "code_exchange_failed"


def test_no_roles_means_no_access(svc, dsi, demo):
    dsi.user("sub-nia", "nia@oakfield.example", **{OAKFIELD_DSI: []})
    refused = dsi.sign_in("nia@oakfield.example", OAKFIELD_DSI)
    assert refused.status_code == 403 and refused.json["code"] == "no_access"


def test_sign_in_is_off_without_an_issuer(svc):
    response = svc.client.get("/sign-in")
    assert response.status_code == 404 and response.json["code"] == "dsi_not_configured"
