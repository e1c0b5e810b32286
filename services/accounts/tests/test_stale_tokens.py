"""A demoted or removed member's access token, issued before, changes nothing in accounts: every change decides
from their membership as the database has it now, not from the token's claims."""
import secrets
from datetime import datetime, timedelta, UTC

from accounts.members import hash_token

from conftest import bearer, invitation_token, sign_in


def _school(demo):
    return demo("school-1")


def _user_id(svc, email):
    with svc.db.engine.connect() as conn:
        return conn.exec_driver_sql("select id from users where lower(email) = lower(%s)", (email,)).scalar_one()


def _role(svc, email, org):
    with svc.db.engine.connect() as conn:
        return conn.exec_driver_sql("select m.role from memberships m join users u on u.id = m.user_id "
                                    "where lower(u.email) = lower(%s) and m.organisation_id = %s",
                                    (email, org)).scalar_one_or_none()


def _carol_approver(svc, demo):
    """Alice (approver) makes Carol an approver; returns (alice's token, carol's token), both signed in now."""
    school = _school(demo)
    alice = sign_in(svc.client, "alice@oakfield.example")
    carol_id = _user_id(svc, "carol@oakfield.example")
    assert svc.client.patch(f"/organisations/{school}/members/{carol_id}", json={"role": "approver"},
                            headers=bearer(alice)).status_code == 200
    return alice, sign_in(svc.client, "carol@oakfield.example")


def _demoted_alice(svc, demo):
    """Alice's token from while she was an approver, after Carol made her an end user."""
    alice, carol = _carol_approver(svc, demo)
    alice_id = _user_id(svc, "alice@oakfield.example")
    assert svc.client.patch(f"/organisations/{_school(demo)}/members/{alice_id}", json={"role": "end_user"},
                            headers=bearer(carol)).status_code == 200
    return alice, carol


def _removed_alice(svc, demo):
    alice, carol = _carol_approver(svc, demo)
    alice_id = _user_id(svc, "alice@oakfield.example")
    assert svc.client.delete(f"/organisations/{_school(demo)}/members/{alice_id}",
                             headers=bearer(carol)).status_code == 204
    return alice, carol


def test_a_demoted_approver_cannot_promote_themself_back(svc, demo):
    alice, _ = _demoted_alice(svc, demo)
    alice_id = _user_id(svc, "alice@oakfield.example")
    response = svc.client.patch(f"/organisations/{_school(demo)}/members/{alice_id}", json={"role": "approver"},
                                headers=bearer(alice))
    assert response.status_code == 403 and response.json["code"] == "role_forbids"
    assert _role(svc, "alice@oakfield.example", _school(demo)) == "end_user"


def test_a_demoted_approver_cannot_invite(svc, demo):
    alice, _ = _demoted_alice(svc, demo)
    response = svc.client.post(f"/organisations/{_school(demo)}/invitations",
                               json={"email": "mallory@elsewhere.example", "role": "approver"}, headers=bearer(alice))
    assert response.status_code == 403 and response.json["code"] == "role_forbids"
    assert svc.outbox_events("accounts.invitation.sent") == []


def test_a_demoted_approver_cannot_remove_others(svc, demo):
    alice, _ = _demoted_alice(svc, demo)
    bob_id = _user_id(svc, "bob@oakfield.example")
    response = svc.client.delete(f"/organisations/{_school(demo)}/members/{bob_id}", headers=bearer(alice))
    assert response.status_code == 403 and response.json["code"] == "role_forbids"
    assert _role(svc, "bob@oakfield.example", _school(demo)) == "end_user"


def test_a_demoted_approver_cannot_resend_or_cancel_invitations(svc, demo):
    alice, carol = _carol_approver(svc, demo)
    school = _school(demo)
    waiting = svc.client.post(f"/organisations/{school}/invitations", json={"email": "dan@oakfield.example"},
                              headers=bearer(carol)).json
    alice_id = _user_id(svc, "alice@oakfield.example")
    svc.client.patch(f"/organisations/{school}/members/{alice_id}", json={"role": "end_user"}, headers=bearer(carol))
    resend = svc.client.post(f"/organisations/{school}/invitations/{waiting['invitation_id']}/resend",
                             headers=bearer(alice))
    cancel = svc.client.delete(f"/organisations/{school}/invitations/{waiting['invitation_id']}", headers=bearer(alice))
    assert (resend.status_code, cancel.status_code) == (403, 403)
    listed = svc.client.get(f"/organisations/{school}/invitations", headers=bearer(carol)).json
    assert [(i["state"], i["sent_count"]) for i in listed] == [("pending", 1)]


def test_a_removed_approver_cannot_invite_themself_back(svc, demo):
    alice, _ = _removed_alice(svc, demo)
    response = svc.client.post(f"/organisations/{_school(demo)}/invitations",
                               json={"email": "alice@oakfield.example", "role": "approver"}, headers=bearer(alice))
    assert response.status_code == 403 and response.json["code"] == "not_your_organisation"
    assert _role(svc, "alice@oakfield.example", _school(demo)) is None


def test_a_self_invitation_does_not_bring_a_removed_approver_back(svc, demo):
    """An invitation Alice sent herself with her old token (as accounts allowed before it checked the database)
    cannot be used: an invitation is only as good as its sender's right to invite, now."""
    alice, _ = _removed_alice(svc, demo)
    school, token = _school(demo), secrets.token_urlsafe(32)
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into invitations (id, organisation_id, email, role, token_hash, expires_at, invited_by_user_id, "
            "sent_count) values (gen_random_uuid(), %s, 'alice@oakfield.example', 'approver', %s, %s, %s, 1)",
            (school, hash_token(token), datetime.now(UTC) + timedelta(days=1),
             _user_id(svc, "alice@oakfield.example")))
    response = svc.client.post(f"/invitations/{token}/accept", json={}, headers=bearer(alice))
    assert response.status_code == 410 and response.json["code"] == "invitation_withdrawn"
    assert _role(svc, "alice@oakfield.example", school) is None
    assert svc.outbox_events("accounts.invitation.accepted") == []


def test_an_invitation_from_an_approver_since_demoted_is_withdrawn_until_another_approver_resends_it(svc, demo):
    alice, carol = _carol_approver(svc, demo)
    school = _school(demo)
    sent = svc.client.post(f"/organisations/{school}/invitations", json={"email": "dan@oakfield.example",
                                                                         "role": "approver"}, headers=bearer(alice)).json
    svc.client.patch(f"/organisations/{school}/members/{_user_id(svc, 'alice@oakfield.example')}",
                     json={"role": "end_user"}, headers=bearer(carol))
    refused = svc.client.post(f"/invitations/{invitation_token(svc, 'dan@oakfield.example')}/accept",
                              json={"first_name": "Dan", "last_name": "New"})
    assert refused.status_code == 410 and refused.json["code"] == "invitation_withdrawn"
    assert svc.client.post(f"/organisations/{school}/invitations/{sent['invitation_id']}/resend",
                           headers=bearer(carol)).status_code == 200
    joined = svc.client.post(f"/invitations/{invitation_token(svc, 'dan@oakfield.example')}/accept",
                             json={"first_name": "Dan", "last_name": "New"})
    assert joined.status_code == 200 and joined.json["role"] == "approver"


def test_a_removed_member_cannot_change_the_schools_contacts(svc, demo):
    bob = sign_in(svc.client, "bob@oakfield.example")
    alice = sign_in(svc.client, "alice@oakfield.example")
    school = _school(demo)
    assert svc.client.delete(f"/organisations/{school}/members/{_user_id(svc, 'bob@oakfield.example')}",
                             headers=bearer(alice)).status_code == 204
    nominate = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                               json={"name": "Mal Ory", "email": "mal@elsewhere.example"}, headers=bearer(bob))
    contact = svc.client.patch(f"/organisations/{school}/contacts", json={"contact_email": "mal@elsewhere.example"},
                               headers=bearer(bob))
    assert (nominate.status_code, contact.status_code) == (403, 403)
    contacts = svc.client.get(f"/organisations/{school}/contacts", headers=bearer(alice)).json
    assert contacts["induction_tutors"] == [] and contacts["contact_email"] != "mal@elsewhere.example"


def test_a_current_approver_still_manages_members(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    carol_id = _user_id(svc, "carol@oakfield.example")
    assert svc.client.patch(f"/organisations/{_school(demo)}/members/{carol_id}", json={"role": "approver"},
                            headers=bearer(alice)).status_code == 200
