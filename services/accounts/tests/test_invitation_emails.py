"""Invitations reach the invitee by email (GOV.UK Notify, through the email outbox), never through the inviter; the
link's page asks GET /invitations/{token} what to show."""
from datetime import datetime, UTC

from accounts.app import create_app
from accounts.definition import DEFINITION
from accounts.settings import AccountsSettings
from ecf_shared.emails.sender import EmailSender
from ecf_shared.service import build_workers
from ecf_shared.testing.notify import queued_emails

from conftest import bearer, invitation_token, sign_in

PORTAL = "https://portal.test"


def _invite(svc, demo, email="dan@oakfield.example", role="end_user", as_="alice@oakfield.example", org="school-1"):
    response = svc.client.post(f"/organisations/{demo(org)}/invitations", json={"email": email, "role": role},
                               headers=bearer(sign_in(svc.client, as_)))
    assert response.status_code == 201, response.json
    return response.json


def _sender(svc, notify_standin) -> EmailSender:
    settings = svc.settings.with_overrides(**notify_standin.settings_for(AccountsSettings))
    return EmailSender.from_settings(settings, svc.db)


def _invitation(svc, token):
    return svc.client.get(f"/invitations/{token}")


def test_an_invitation_queues_an_email_naming_the_organisation_inviter_and_expiry_with_the_link(svc, demo):
    inv = _invite(svc, demo, role="approver")
    [email] = queued_emails(svc.db, "invitation")
    token = invitation_token(svc, "dan@oakfield.example")
    expires = datetime.fromisoformat(inv["expires_at"])
    assert (email["recipient"], email["state"], email["reference"]) == (
        "dan@oakfield.example", "pending", f"invitation-{inv['invitation_id']}-1")
    assert email["personalisation"] == {
        "organisation_name": "Oakfield Primary School", "inviter_name": "Alice Approver", "role": "an approver",
        "expires_on": f"{expires.day} {expires:%B %Y}", "accept_url": f"http://127.0.0.1:8080/invitations/{token}"}
    assert email["secret_fields"] == ["accept_url"]


def test_the_link_points_at_the_portal_setting(svc, demo):
    app = create_app(svc.settings.with_overrides(portal_url=PORTAL + "/"))  # on the same database
    client = app.test_client()
    response = client.post(f"/organisations/{demo('school-1')}/invitations", json={"email": "dan@oakfield.example"},
                           headers=bearer(sign_in(client, "alice@oakfield.example")))
    assert response.status_code == 201
    [email] = queued_emails(svc.db, "invitation")
    assert email["personalisation"]["accept_url"] == f"{PORTAL}/invitations/{invitation_token(svc, 'dan@oakfield.example')}"


def test_a_refused_invitation_queues_no_email(svc, demo):
    _invite(svc, demo)
    again = svc.client.post(f"/organisations/{demo('school-1')}/invitations", json={"email": "dan@oakfield.example"},
                            headers=bearer(sign_in(svc.client, "alice@oakfield.example")))
    assert again.status_code == 409
    bob = sign_in(svc.client, "bob@oakfield.example")  # not an approver
    assert svc.client.post(f"/organisations/{demo('school-1')}/invitations", json={"email": "eve@oakfield.example"},
                           headers=bearer(bob)).status_code == 403
    assert [e["recipient"] for e in queued_emails(svc.db)] == ["dan@oakfield.example"]


def test_the_worker_sends_the_invitation_through_notify_and_forgets_the_token(svc, demo, notify_standin):
    notify_standin.reset()
    _invite(svc, demo)
    token = invitation_token(svc, "dan@oakfield.example")
    assert _sender(svc, notify_standin).send_due() == 1
    [sent] = notify_standin.emails(email_address="dan@oakfield.example")
    assert sent["subject"] == "You have been invited to join Oakfield Primary School on Register early career teachers"
    assert f"http://127.0.0.1:8080/invitations/{token}" in sent["body"] and "Alice Approver" in sent["body"]
    [row] = queued_emails(svc.db)
    assert row["state"] == "sent" and row["notify_id"] == sent["id"] and "accept_url" not in row["personalisation"]
    with svc.db.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from email_outbox where personalisation::text like %s",
                                    (f"%{token}%",)).scalar_one() == 0
    # The link from the email still works: the invitation holds the token's hash.
    joined = svc.client.post(f"/invitations/{token}/accept", json={"first_name": "Dan", "last_name": "New"})
    assert joined.status_code == 200


def test_resending_emails_a_new_link(svc, demo, notify_standin):
    notify_standin.reset()
    inv = _invite(svc, demo)
    first = invitation_token(svc, "dan@oakfield.example")
    alice = sign_in(svc.client, "alice@oakfield.example")
    assert svc.client.post(f"/organisations/{demo('school-1')}/invitations/{inv['invitation_id']}/resend",
                           headers=bearer(alice)).status_code == 200
    second = invitation_token(svc, "dan@oakfield.example")
    sender = _sender(svc, notify_standin)
    while sender.send_due():
        pass
    bodies = [e["body"] for e in notify_standin.emails(email_address="dan@oakfield.example")]
    assert len(bodies) == 2 and f"/invitations/{second}" in bodies[0] and f"/invitations/{first}" in bodies[1]
    assert _invitation(svc, first).status_code == 404 and _invitation(svc, second).json["state"] == "pending"


def test_the_accounts_worker_runs_the_relay_and_the_email_sender(svc, notify_standin):
    settings = svc.settings.with_overrides(**notify_standin.settings_for(AccountsSettings))
    assert [name for name, _ in build_workers(DEFINITION, settings)] == ["relay", "email-sender"]
    assert [name for name, _ in build_workers(DEFINITION, svc.settings)] == ["relay"]  # no NOTIFY_API_KEY


# --- GET /invitations/{token} --------------------------------------------------------------------------------------

def test_the_invitation_page_learns_the_organisation_email_role_state_and_whether_an_account_exists(svc, demo):
    inv = _invite(svc, demo, email="Dan@Oakfield.example")
    token = invitation_token(svc, "Dan@Oakfield.example")
    shown = _invitation(svc, token)  # no bearer token: the link's token is the authority
    assert shown.status_code == 200
    assert shown.json == {"organisation_name": "Oakfield Primary School", "organisation_type": "school",
                          "email": "Dan@Oakfield.example", "role": "end_user", "state": "pending",
                          "expires_at": inv["expires_at"], "account_exists": False}
    _invite(svc, demo, email="abby@kingsbridge.example", role="approver")
    existing = _invitation(svc, invitation_token(svc, "abby@kingsbridge.example")).json
    assert existing["account_exists"] is True and existing["role"] == "approver"


def test_the_invitation_page_shows_accepted_cancelled_and_expired_invitations(svc, demo):
    alice = bearer(sign_in(svc.client, "alice@oakfield.example"))
    _invite(svc, demo, email="dan@oakfield.example")
    accepted = invitation_token(svc, "dan@oakfield.example")
    svc.client.post(f"/invitations/{accepted}/accept", json={"first_name": "Dan", "last_name": "New"})
    assert _invitation(svc, accepted).json["state"] == "accepted"
    assert _invitation(svc, accepted).json["account_exists"] is True
    inv = _invite(svc, demo, email="eve@oakfield.example")
    cancelled = invitation_token(svc, "eve@oakfield.example")
    svc.client.delete(f"/organisations/{demo('school-1')}/invitations/{inv['invitation_id']}", headers=alice)
    assert _invitation(svc, cancelled).json["state"] == "cancelled"
    _invite(svc, demo, email="fay@oakfield.example")
    expired = invitation_token(svc, "fay@oakfield.example")
    with svc.db.engine.begin() as conn:
        conn.exec_driver_sql("update invitations set expires_at = now() - interval '1 second' where email = %s",
                             ("fay@oakfield.example",))
    shown = _invitation(svc, expired).json
    assert shown["state"] == "expired" and datetime.fromisoformat(shown["expires_at"]) < datetime.now(UTC)


def test_an_unknown_token_is_404_and_nothing_is_told(svc, demo):
    _invite(svc, demo)
    for token in ("not-a-real-token", invitation_token(svc, "dan@oakfield.example")[:-1] + "A"):
        answer = _invitation(svc, token)
        assert answer.status_code == 404 and answer.json["code"] == "invitation_not_found"
        assert "Oakfield" not in answer.get_data(as_text=True)


def test_the_invitation_page_is_the_same_whoever_asks(svc, demo):
    """Public: a caller's own token changes nothing, and one organisation's user learns no more about another's."""
    _invite(svc, demo, org="ab-1", as_="abby@kingsbridge.example", email="new@kingsbridge.example")
    token = invitation_token(svc, "new@kingsbridge.example")
    anonymous = _invitation(svc, token).json
    as_other_school = svc.client.get(f"/invitations/{token}", headers=bearer(sign_in(svc.client, "bob@oakfield.example")))
    assert as_other_school.status_code == 200 and as_other_school.json == anonymous
    assert set(anonymous) == {"organisation_name", "organisation_type", "email", "role", "state", "expires_at",
                              "account_exists"}
