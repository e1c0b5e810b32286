"""Isolation and tokens: the shared authorisation helper's answers, through accounts' own endpoints."""
import time

import pytest

from accounts.signing import SigningKey
from ecf_shared.auth.actor import Membership, Principal
from ecf_shared.auth.authorisation import access, readable, writable, writable_scope
from ecf_shared.auth.claims import access_claims
from ecf_shared.errors import Conflict, Forbidden, Invalid
from conftest import bearer, sign_in

A, B, C = "aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002", "cccccccc-0000-0000-0000-000000000003"


def _principal(mode="hat", acting=None, **kw):
    return Principal(user_id="u", mode=mode, acting_organisation_id=acting,
                     memberships=(Membership(A, "school", "approver"), Membership(B, "school", "end_user")), **kw)


def test_hat_mode_reads_and_writes_only_the_acting_organisation():
    p = _principal(acting=B)
    assert readable(p).organisation_ids == {B}
    with pytest.raises(Forbidden):
        readable(p, organisation_id=A)
    with pytest.raises(Forbidden):
        writable(p, organisation_id=A, permission="register_teachers")
    assert writable(p, organisation_id=None, permission="register_teachers") == B
    with pytest.raises(Forbidden):
        writable(p, organisation_id=B, permission="manage_users")  # an end user there
    with pytest.raises(Conflict):
        readable(_principal())
    assert access(_principal())["choose_organisation"] is True


def test_blended_mode_needs_a_named_organisation_with_the_write_role():
    p = _principal(mode="blended")
    assert readable(p).organisation_ids == {A, B}
    assert readable(p, organisation_id=B).organisation_ids == {B}
    with pytest.raises(Forbidden):
        readable(p, organisation_id=C)
    with pytest.raises(Invalid):
        writable(p, organisation_id=None, permission="register_teachers")
    with pytest.raises(Forbidden):
        writable(p, organisation_id=B, permission="manage_users")
    with pytest.raises(Forbidden):
        writable(p, organisation_id=C, permission="register_teachers")
    assert writable(p, organisation_id=A, permission="manage_users") == A
    assert writable_scope(p, permission="manage_users").organisation_ids == {A}
    assert writable_scope(p, permission="register_teachers").organisation_ids == {A, B}


def test_staff_scopes():
    support = Principal(user_id="s", staff_role="support")
    assert readable(support).everything
    assert writable_scope(support, permission="manage_users").organisation_ids == frozenset()
    assert writable_scope(support, permission="manage_contacts").everything
    acting = Principal(user_id="s", staff_role="admin", acting_organisation_id=C, acting_for_reason="ticket")
    assert readable(acting).organisation_ids == {C}
    assert writable_scope(acting, permission="manage_users").organisation_ids == {C}
    with pytest.raises(Forbidden):
        writable(acting, organisation_id=A, permission="manage_users")


def test_a_blended_user_cannot_create_for_an_organisation_without_the_write_role(svc, demo):
    priya = sign_in(svc.client, "priya@providers.example")
    blended = svc.client.post("/me/mode", json={"mode": "blended"}, headers=bearer(priya)).json
    end_user_org, approver_org = demo("ab-1"), demo("tp-1")
    refused = svc.client.post(f"/organisations/{end_user_org}/invitations", json={"email": "x@y.example"},
                              headers=bearer(blended))
    assert refused.status_code == 403 and refused.json["code"] == "role_forbids"
    not_hers = svc.client.post(f"/organisations/{demo('school-1')}/invitations", json={"email": "x@y.example"},
                               headers=bearer(blended))
    assert not_hers.status_code == 403 and not_hers.json["code"] == "not_your_organisation"
    allowed = svc.client.post(f"/organisations/{approver_org}/invitations", json={"email": "x@y.example"},
                              headers=bearer(blended))
    assert allowed.status_code == 201
    mine = svc.client.get("/me/access", headers=bearer(blended)).json
    assert mine["write"]["manage_users"]["organisation_ids"] == [approver_org]
    assert len(mine["read"]["organisation_ids"]) == 5 and mine["choose_organisation"] is False


def test_a_hat_user_cannot_read_another_organisations_data_by_id(svc, demo):
    priya = sign_in(svc.client, "priya@providers.example")
    chosen = svc.client.post("/me/acting-organisation", json={"organisation_id": demo("tp-1")}, headers=bearer(priya)).json
    # ab-1 is one of her own organisations, but she is acting for tp-1.
    for path in (f"/organisations/{demo('ab-1')}", f"/organisations/{demo('ab-1')}/members",
                 f"/organisations/{demo('ab-1')}/invitations", f"/organisations?organisation_id={demo('ab-1')}",
                 f"/audit?organisation_id={demo('ab-1')}"):
        response = svc.client.get(path, headers=bearer(chosen))
        assert response.status_code == 403 and response.json["code"] == "not_acting_organisation", path
    write = svc.client.post(f"/organisations/{demo('ab-1')}/invitations", json={"email": "x@y.example"},
                            headers=bearer(chosen))
    assert write.status_code == 403 and write.json["code"] == "not_acting_organisation"
    assert svc.client.get(f"/organisations/{demo('tp-1')}/members", headers=bearer(chosen)).status_code == 200


def test_an_expired_access_token_is_refused(svc, demo):
    key = svc.app.extensions["ecf"].extras["signing_key"]
    assert isinstance(key, SigningKey)
    claims = access_claims(issuer="ecf-accounts", audience="ecf", user_id="u", email="e@x.example", name="E",
                           memberships=[], ttl_seconds=60, now=int(time.time()) - 120)
    response = svc.client.get("/me", headers={"Authorization": f"Bearer {key.sign(claims)}"})
    assert response.status_code == 401 and response.json["code"] == "token_expired"


def test_an_expired_or_revoked_refresh_token_is_refused(svc, demo):
    tokens = sign_in(svc.client, "bob@oakfield.example")
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update sessions set expires_at = now() - interval '1 second'")
    expired = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert expired.status_code == 401 and expired.json["code"] == "session_ended"
    tokens = sign_in(svc.client, "bob@oakfield.example")
    svc.client.post("/sign-out", headers=bearer(tokens))
    revoked = svc.client.post("/tokens/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert revoked.status_code == 401 and revoked.json["code"] == "session_ended"
