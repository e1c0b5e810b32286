"""Emails through GOV.UK Notify (its stand-in) end to end: an approver invites someone through the gateway, the
accounts worker sends the invitation email, and the link in it is the only way to the token, which accepts the
invitation. The stand-in's page shows the email with the link to click."""
import re

import requests

from system import eventually


def test_an_invitation_arrives_by_email_and_its_link_accepts_it(system):
    alice = system.sign_in("alice@oakfield.example")
    school = system.org("school-1")
    invited = requests.post(f"{system.gateway}/accounts/organisations/{school}/invitations", timeout=10,
                            json={"email": "nia.newcomer@oakfield.example", "role": "end_user"},
                            headers={"Authorization": f"Bearer {alice['access_token']}"})
    assert invited.status_code == 201, invited.text
    assert "token" not in invited.json() and "accept_url" not in invited.json()
    assert "/invitations/" not in invited.text

    [email] = eventually(lambda: system.emails(email_address="nia.newcomer@oakfield.example"))
    assert email["template"]["name"] == "invitation"
    assert email["subject"] == "You have been invited to join Oakfield Primary School on Register early career teachers"
    assert "Alice Approver" in email["body"]
    link = re.search(rf"{re.escape(system.gateway)}/invitations/(\S+)", email["body"])
    assert link, email["body"]
    token = link.group(1)
    page = requests.get(f"{system.notify}/", timeout=5).text
    assert f'<a href="{link.group(0)}">' in page

    shown = requests.get(f"{system.gateway}/accounts/invitations/{token}", timeout=10)
    assert shown.status_code == 200, shown.text
    assert shown.json()["organisation_name"] == "Oakfield Primary School" and shown.json()["state"] == "pending"
    assert shown.json()["account_exists"] is False

    accepted = requests.post(f"{system.gateway}/accounts/invitations/{token}/accept", timeout=10,
                             json={"first_name": "Nia", "last_name": "Newcomer"})
    assert accepted.status_code == 200, accepted.text
    nia = system.sign_in("nia.newcomer@oakfield.example")
    me = requests.get(f"{system.gateway}/accounts/me", timeout=10,
                      headers={"Authorization": f"Bearer {nia['access_token']}"}).json()
    assert [(m["organisation_id"], m["role"]) for m in me["memberships"]] == [(school, "end_user")]
    assert requests.get(f"{system.gateway}/accounts/invitations/{token}", timeout=10).json()["state"] == "accepted"
