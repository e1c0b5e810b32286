"""Members: invitations (single use, expiry), role changes, removal, the last-approver guard, the audit trail."""
import threading

from ecf_shared.testing.notify import queued_emails

from conftest import contacts_events, audit_rows, bearer, invitation_token, sign_in


def _school(demo):
    return demo("school-1")


def _user_id(svc, email):
    with svc.db.engine.connect() as conn:
        return conn.exec_driver_sql("select id from users where lower(email) = lower(%s)", (email,)).scalar_one()


def _invite(svc, tokens, org, email, role="end_user"):
    response = svc.client.post(f"/organisations/{org}/invitations", json={"email": email, "role": role},
                               headers=bearer(tokens))
    assert response.status_code == 201, response.json
    return response.json


def test_an_approver_invites_and_the_invitee_joins_once(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    inv = _invite(svc, alice, _school(demo), "dan@oakfield.example")
    assert inv["state"] == "pending" and "token" not in inv and "accept_url" not in inv  # only the invitee gets it
    token = invitation_token(svc, "dan@oakfield.example")
    with svc.db.engine.connect() as conn:
        stored = conn.exec_driver_sql("select token_hash from invitations").scalar_one()
    assert stored != token and len(stored) == 64  # stored hashed

    missing_names = svc.client.post(f"/invitations/{token}/accept", json={})
    assert missing_names.status_code == 422 and set(missing_names.json["fields"]) == {"first_name", "last_name"}
    joined = svc.client.post(f"/invitations/{token}/accept", json={"first_name": "Dan", "last_name": "New"})
    assert joined.status_code == 200 and joined.json["role"] == "end_user" and joined.json["email"] == "dan@oakfield.example"
    again = svc.client.post(f"/invitations/{token}/accept", json={"first_name": "Dan", "last_name": "New"})
    assert again.status_code == 410 and again.json["code"] == "invitation_used"

    dan = sign_in(svc.client, "dan@oakfield.example")
    me = svc.client.get("/me", headers=bearer(dan)).json
    assert me["memberships"] == [{"organisation_id": _school(demo), "organisation_type": "school", "role": "end_user"}]

    sent, = svc.outbox_events("accounts.invitation.sent")
    assert sent["data"]["email"] == "dan@oakfield.example" and "token" not in str(sent["data"])
    assert sent["actor"]["type"] == "school_user" and sent["actor"]["email"] == "alice@oakfield.example"
    accepted, = svc.outbox_events("accounts.invitation.accepted")
    added, = svc.outbox_events("accounts.membership.added")
    assert accepted["data"]["user_id"] == added["data"]["user_id"] == me["user_id"]
    contacts = contacts_events(svc)
    assert "dan@oakfield.example" in contacts[-1]["data"]["user_emails"]
    actions = [r["action"] for r in audit_rows(svc, organisation_id=_school(demo))]
    assert actions == ["invitation_sent", "user_created", "invitation_accepted", "membership_added"]


def test_invitations_expire(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    _invite(svc, alice, _school(demo), "erin@oakfield.example")
    token = invitation_token(svc, "erin@oakfield.example")
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update invitations set expires_at = now() - interval '1 second'")
    response = svc.client.post(f"/invitations/{token}/accept", json={"first_name": "E", "last_name": "F"})
    assert response.status_code == 410 and response.json["code"] == "invitation_expired"
    listed = svc.client.get(f"/organisations/{_school(demo)}/invitations", headers=bearer(alice)).json
    assert [i["state"] for i in listed] == ["expired"]
    # An expired invitation gives way to a new one.
    _invite(svc, alice, _school(demo), "erin@oakfield.example")
    fresh = invitation_token(svc, "erin@oakfield.example")
    assert fresh != token
    assert svc.client.post(f"/invitations/{fresh}/accept", json={"first_name": "E", "last_name": "F"}).status_code == 200


def test_resend_replaces_the_token_and_cancel_stops_it(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    school = _school(demo)
    inv = _invite(svc, alice, school, "fay@oakfield.example")
    first = invitation_token(svc, "fay@oakfield.example")
    dup = svc.client.post(f"/organisations/{school}/invitations", json={"email": "FAY@oakfield.example"}, headers=bearer(alice))
    assert dup.status_code == 409 and dup.json["code"] == "already_invited"
    resent = svc.client.post(f"/organisations/{school}/invitations/{inv['invitation_id']}/resend", headers=bearer(alice))
    assert resent.status_code == 200 and resent.json["sent_count"] == 2 and "token" not in resent.json
    second = invitation_token(svc, "fay@oakfield.example")
    assert second != first and len(queued_emails(svc.db, "invitation")) == 2  # a new email with the new link
    old = svc.client.post(f"/invitations/{first}/accept", json={"first_name": "F", "last_name": "G"})
    assert old.status_code == 404
    cancelled = svc.client.delete(f"/organisations/{school}/invitations/{inv['invitation_id']}", headers=bearer(alice))
    assert cancelled.status_code == 204
    late = svc.client.post(f"/invitations/{second}/accept", json={"first_name": "F", "last_name": "G"})
    assert late.status_code == 410 and late.json["code"] == "invitation_cancelled"
    assert len(svc.outbox_events("accounts.invitation.sent")) == 2
    assert [r["action"] for r in audit_rows(svc, subject_id=inv["invitation_id"])] == [
        "invitation_sent", "invitation_resent", "invitation_cancelled"]


def test_a_signed_in_invitee_must_be_the_invited_email(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    _invite(svc, alice, _school(demo), "abby@kingsbridge.example", role="approver")
    token = invitation_token(svc, "abby@kingsbridge.example")
    bob = sign_in(svc.client, "bob@oakfield.example")
    wrong = svc.client.post(f"/invitations/{token}/accept", json={}, headers=bearer(bob))
    assert wrong.status_code == 403 and wrong.json["code"] == "invitation_for_another_email"
    abby = sign_in(svc.client, "abby@kingsbridge.example")
    ok = svc.client.post(f"/invitations/{token}/accept", json={}, headers=bearer(abby))
    assert ok.status_code == 200 and ok.json["role"] == "approver"
    refreshed = svc.client.post("/tokens/refresh", json={"refresh_token": abby["refresh_token"]}).json
    assert len(svc.client.get("/me", headers=bearer(refreshed)).json["memberships"]) == 2


def test_only_approvers_manage_users(svc, demo):
    bob = sign_in(svc.client, "bob@oakfield.example")
    school = _school(demo)
    refused = svc.client.post(f"/organisations/{school}/invitations", json={"email": "x@y.example"}, headers=bearer(bob))
    assert refused.status_code == 403 and refused.json["code"] == "role_forbids"
    carol = _user_id(svc, "carol@oakfield.example")
    assert svc.client.patch(f"/organisations/{school}/members/{carol}", json={"role": "approver"},
                            headers=bearer(bob)).status_code == 403
    assert svc.client.delete(f"/organisations/{school}/members/{carol}", headers=bearer(bob)).status_code == 403
    # ...but anyone may read the members and leave.
    listed = svc.client.get(f"/organisations/{school}/members", headers=bearer(bob)).json
    assert {m["email"] for m in listed} == {"alice@oakfield.example", "bob@oakfield.example", "carol@oakfield.example"}
    bob_id = _user_id(svc, "bob@oakfield.example")
    assert svc.client.delete(f"/organisations/{school}/members/{bob_id}", headers=bearer(bob)).status_code == 204
    assert [r["action"] for r in audit_rows(svc, organisation_id=school)] == ["membership_left"]


def test_change_role_remove_and_the_last_approver_guard(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    school = _school(demo)
    alice_id, carol_id = _user_id(svc, "alice@oakfield.example"), _user_id(svc, "carol@oakfield.example")
    demote_self = svc.client.patch(f"/organisations/{school}/members/{alice_id}", json={"role": "end_user"},
                                   headers=bearer(alice))
    assert demote_self.status_code == 409 and demote_self.json["code"] == "last_approver"
    leave = svc.client.delete(f"/organisations/{school}/members/{alice_id}", headers=bearer(alice))
    assert leave.status_code == 409 and leave.json["code"] == "last_approver"

    promoted = svc.client.patch(f"/organisations/{school}/members/{carol_id}", json={"role": "approver"}, headers=bearer(alice))
    assert promoted.status_code == 200 and promoted.json["role"] == "approver"
    changed, = svc.outbox_events("accounts.membership.role_changed")
    assert changed["data"]["previous_role"] == "end_user" and changed["data"]["role"] == "approver"
    entry = [r for r in audit_rows(svc) if r["action"] == "membership_role_changed"][0]
    assert entry["before"]["role"] == "end_user" and entry["after"]["role"] == "approver"
    assert entry["actor_email"] == "alice@oakfield.example" and entry["actor_name"] == "Alice Approver"
    assert entry["actor_type"] == "school_user" and str(entry["acting_for_organisation_id"]) == school

    # Now Alice may step down.
    assert svc.client.patch(f"/organisations/{school}/members/{alice_id}", json={"role": "end_user"},
                            headers=bearer(alice)).status_code == 200
    carol = sign_in(svc.client, "carol@oakfield.example")
    assert svc.client.delete(f"/organisations/{school}/members/{carol_id}", headers=bearer(carol)).json["code"] == "last_approver"
    removed = svc.client.delete(f"/organisations/{school}/members/{alice_id}", headers=bearer(carol))
    assert removed.status_code == 204
    gone, = svc.outbox_events("accounts.membership.removed")
    assert gone["data"]["email"] == "alice@oakfield.example"
    assert "alice@oakfield.example" not in contacts_events(svc)[-1]["data"]["user_emails"]


def test_a_removed_user_is_refused_at_the_next_refresh(svc, demo):
    bob = sign_in(svc.client, "bob@oakfield.example")
    alice = sign_in(svc.client, "alice@oakfield.example")
    bob_id = _user_id(svc, "bob@oakfield.example")
    assert svc.client.delete(f"/organisations/{_school(demo)}/members/{bob_id}", headers=bearer(alice)).status_code == 204
    response = svc.client.post("/tokens/refresh", json={"refresh_token": bob["refresh_token"]})
    assert response.status_code == 401 and response.json["code"] == "no_organisations"


def test_the_last_approver_guard_holds_under_concurrency(svc, demo):
    """Two approvers each remove the other at the same moment: exactly one succeeds."""
    school = _school(demo)
    alice = sign_in(svc.client, "alice@oakfield.example")
    carol_id, alice_id = _user_id(svc, "carol@oakfield.example"), _user_id(svc, "alice@oakfield.example")
    svc.client.patch(f"/organisations/{school}/members/{carol_id}", json={"role": "approver"}, headers=bearer(alice))
    alice = svc.client.post("/tokens/refresh", json={"refresh_token": alice["refresh_token"]}).json
    carol = sign_in(svc.client, "carol@oakfield.example")
    for _attempt in range(5):
        barrier, results = threading.Barrier(2), {}

        def remove(name, tokens, target, barrier=barrier, results=results):
            client = svc.app.test_client()
            barrier.wait()
            results[name] = client.delete(f"/organisations/{school}/members/{target}", headers=bearer(tokens)).status_code

        threads = [threading.Thread(target=remove, args=("alice", alice, carol_id)),
                   threading.Thread(target=remove, args=("carol", carol, alice_id))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) in ([204, 403], [204, 404], [204, 409]), results
        with svc.db.engine.connect() as conn:
            approvers = conn.exec_driver_sql("select count(*) from memberships where organisation_id = %s and role = 'approver'",
                                             (school,)).scalar_one()
        assert approvers == 1
        # Put the removed approver back for the next round.
        removed = carol_id if results["alice"] == 204 else alice_id
        with svc.db.engine.begin() as conn:
            conn.exec_driver_sql("insert into memberships (id, user_id, organisation_id, role) "
                                 "values (gen_random_uuid(), %s, %s, 'approver')", (removed, school))


def test_hat_mode_approver_cannot_manage_another_organisation_even_by_id(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    other = demo("school-2")
    refused = svc.client.post(f"/organisations/{other}/invitations", json={"email": "x@y.example"}, headers=bearer(alice))
    assert refused.status_code == 403 and refused.json["code"] == "not_acting_organisation"
    assert svc.client.get(f"/organisations/{other}/members", headers=bearer(alice)).status_code == 403
    assert svc.client.get(f"/organisations/{other}", headers=bearer(alice)).status_code == 403
    assert svc.client.get(f"/organisations/{_school(demo)}", headers=bearer(alice)).status_code == 200
    assert svc.client.get(f"/audit?organisation_id={other}", headers=bearer(alice)).status_code == 403
