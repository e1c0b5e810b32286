"""Sign-in, access and refresh tokens, acting organisation and modes."""
import jwt

from accounts.demo import ORGANISATIONS
from ecf_shared.auth.tokens import TokenVerifier
from conftest import bearer, sign_in


def test_persona_sign_in_issues_a_verifiable_access_token(svc, demo):
    tokens = sign_in(svc.client, "alice@oakfield.example")
    jwks = svc.client.get("/.well-known/jwks.json").json
    verifier = TokenVerifier(issuer="ecf-accounts", audience="ecf", jwks_json=__import__("json").dumps(jwks))
    claims = verifier.verify(tokens["access_token"])
    assert claims["email"] == "alice@oakfield.example"
    assert claims["memberships"] == [{"organisation_id": demo("school-1"), "organisation_type": "school", "role": "approver"}]
    assert claims["acting_organisation_id"] == demo("school-1")  # only one organisation: chosen for her
    assert claims["exp"] - claims["iat"] == 300


def test_refresh_tokens_are_stored_hashed_and_rotate(svc, demo):
    tokens = sign_in(svc.client, "bob@oakfield.example")
    with svc.db.engine.connect() as conn:
        stored = conn.exec_driver_sql("select token_hash from sessions").scalars().all()
    assert tokens["refresh_token"] not in stored and len(stored) == 1
    refreshed = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    again = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401 and again.json["code"] == "session_ended"


def test_sign_out_revokes_the_refresh_token(svc, demo):
    tokens = sign_in(svc.client, "bob@oakfield.example")
    assert svc.client.post("/sign-out", headers=bearer(tokens)).status_code == 204
    response = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401


def test_removed_member_is_refused_at_next_refresh(svc, demo):
    tokens = sign_in(svc.client, "bob@oakfield.example")
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update users set active = false where email = 'bob@oakfield.example'")
    response = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401 and response.json["code"] == "user_deactivated"


def test_multi_organisation_user_chooses_acting_organisation_in_hat_mode(svc, demo):
    tokens = sign_in(svc.client, "priya@providers.example")
    me = svc.client.get("/me", headers=bearer(tokens)).json
    assert me["mode"] == "hat" and me["acting_organisation_id"] is None and len(me["memberships"]) == 5
    orgs = svc.client.get("/organisations", headers=bearer(tokens))
    assert orgs.status_code == 409 and orgs.json["code"] == "choose_organisation"
    chosen = svc.client.post("/me/acting-organisation", json={"organisation_id": demo("ab-1")}, headers=bearer(tokens))
    assert chosen.status_code == 200
    orgs = svc.client.get("/organisations", headers=bearer(chosen.json)).json
    assert [o["id"] for o in orgs] == [demo("ab-1")]
    refused = svc.client.post("/me/acting-organisation", json={"organisation_id": demo("school-1")}, headers=bearer(tokens))
    assert refused.status_code == 403


def test_blended_mode_sees_all_memberships_and_filters(svc, demo):
    tokens = sign_in(svc.client, "priya@providers.example")
    blended = svc.client.post("/me/mode", json={"mode": "blended"}, headers=bearer(tokens)).json
    orgs = svc.client.get("/organisations", headers=bearer(blended)).json
    assert len(orgs) == 5
    one = svc.client.get(f"/organisations?organisation_id={demo('ab-2')}", headers=bearer(blended)).json
    assert [o["id"] for o in one] == [demo("ab-2")]
    other = svc.client.get(f"/organisations?organisation_id={demo('school-1')}", headers=bearer(blended))
    assert other.status_code == 403


def test_tampered_expired_and_unsigned_tokens_are_refused(svc, demo, token_issuer):
    tokens = sign_in(svc.client, "alice@oakfield.example")
    header, payload, signature = tokens["access_token"].split(".")
    tampered = f"{header}.{payload[:-2]}AA.{signature}"
    assert svc.client.get("/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    unsigned = jwt.encode({"sub": "x", "iss": "ecf-accounts", "aud": "ecf", "exp": 9999999999, "iat": 1}, None, algorithm="none")
    assert svc.client.get("/me", headers={"Authorization": f"Bearer {unsigned}"}).status_code == 401
    foreign = token_issuer.issue()  # signed by a key accounts does not trust
    assert svc.client.get("/me", headers={"Authorization": f"Bearer {foreign}"}).status_code == 401
    assert svc.client.get("/me").status_code == 401


def test_persona_sign_in_validates_input(svc, demo):
    response = svc.client.post("/sign-in/persona", json={"email": "not-an-email"})
    assert response.status_code == 422 and "email" in response.json["fields"]
    assert svc.client.post("/sign-in/persona", json={"email": "nobody@x.example"}).status_code == 404
    wrong_type = svc.client.post("/sign-in/persona", data="email=a@b.c", content_type="application/x-www-form-urlencoded")
    assert wrong_type.status_code == 415


def test_demo_seed_is_idempotent_and_publishes_organisations_once(svc, demo):
    from accounts.demo import seed

    seed(svc.db)
    created = svc.outbox_events("accounts.organisation.created")
    assert len(created) == len(ORGANISATIONS)
    assert {e["data"]["type"] for e in created} >= {"school", "lead_provider", "appropriate_body"}


def test_demo_seed_publishes_each_schools_contacts_once_with_its_users(svc, demo):
    from accounts.demo import seed

    seed(svc.db)  # a second run adds no members, so it publishes nothing more
    published = {e["data"]["organisation_id"]: e["data"] for e in svc.outbox_events("accounts.school_contacts.changed")}
    assert len(svc.outbox_events("accounts.school_contacts.changed")) == len(published)
    oakfield = published[demo("school-1")]
    assert {"alice@oakfield.example", "bob@oakfield.example"} <= set(oakfield["user_emails"])
    assert demo("ab-1") not in published  # only schools have contacts
