"""Revocation through the gateway: an approver demoted, then removed, by another approver cannot write in
registrations with the access token they already hold, as soon as registrations has accounts' event; their reads
keep answering until the token expires."""
import re
import time

import requests

from system import eventually

DOB = "1994-02-03"


def _bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _join_as_approver(system, alice, email):
    """Alice invites `email` as an approver of Oakfield; they accept (a new account) and sign in."""
    school = system.org("school-1")
    invited = requests.post(f"{system.gateway}/accounts/organisations/{school}/invitations", timeout=10,
                            json={"email": email, "role": "approver"}, headers=_bearer(alice))
    assert invited.status_code == 201, invited.text
    [sent] = eventually(lambda: system.emails(email_address=email))
    token = re.search(r"/invitations/(\S+)", sent["body"]).group(1)
    accepted = requests.post(f"{system.gateway}/accounts/invitations/{token}/accept", timeout=10,
                             json={"first_name": "Rhea", "last_name": "Revoked"})
    assert accepted.status_code == 200, accepted.text
    return accepted.json()["user_id"], system.sign_in(email)


def _register(system, tokens, trn, email):
    return requests.post(f"{system.gateway}/registrations/ects", headers=_bearer(tokens), timeout=10, json={
        "trn": trn, "date_of_birth": DOB, "started_on": "2026-09-01", "email": email, "working_pattern": "full_time",
        "training_programme": "school_led", "cohort": 2026})


def _seconds_until_writes_are_refused(system, tokens, timeout=10.0) -> float:
    """Poll with a registration that cannot be written (no body: 422 while the token may write, 403 once refused,
    as the check comes before the route) until registrations refuses the token's writes."""
    started = time.monotonic()
    def refusal():
        response = requests.post(f"{system.gateway}/registrations/ects", json={}, headers=_bearer(tokens), timeout=10)
        return [response] if response.status_code != 422 else None  # (a Response of a 4xx is falsy itself)

    [refused] = eventually(refusal, timeout=timeout, interval=0.1)
    assert refused.status_code == 403 and refused.json()["code"] == "membership_changed", refused.text
    return time.monotonic() - started


def _refused(response):
    return response.status_code == 403 and response.json()["code"] == "membership_changed"


def _reads(system, tokens):
    return requests.get(f"{system.gateway}/registrations/ects", headers=_bearer(tokens), timeout=10)


def test_a_demoted_then_removed_approvers_old_token_writes_nothing_but_still_reads(system):
    system.wait_for_demo_organisations()
    system.seed_trs(*({"trn": trn, "firstName": "Ada", "lastName": name, "dateOfBirth": DOB, "qtsDate": "2026-07-15"}
                      for trn, name in (("3000001", "First"), ("3000002", "Second"), ("3000003", "Third"))))
    school = system.org("school-1")
    alice = system.sign_in("alice@oakfield.example")
    rhea_id, rhea = _join_as_approver(system, alice, "rhea.revoked@oakfield.example")
    first = _register(system, rhea, "3000001", "first@oakfield.example")
    assert first.status_code == 201, first.text  # a new member registrations has not heard of yet writes

    demoted = requests.patch(f"{system.gateway}/accounts/organisations/{school}/members/{rhea_id}", timeout=10,
                             json={"role": "end_user"}, headers=_bearer(alice))
    assert demoted.status_code == 200, demoted.text
    assert _seconds_until_writes_are_refused(system, rhea) < 10
    assert _refused(_register(system, rhea, "3000002", "second@oakfield.example"))
    assert _reads(system, rhea).status_code == 200  # reads end when the token expires
    # In accounts the old token is refused at once: it cannot promote its holder back.
    back = requests.patch(f"{system.gateway}/accounts/organisations/{school}/members/{rhea_id}", timeout=10,
                          json={"role": "approver"}, headers=_bearer(rhea))
    assert back.status_code == 403, back.text

    rhea_now = system.sign_in("rhea.revoked@oakfield.example")  # a token with the role she has now writes
    second = _register(system, rhea_now, "3000002", "second@oakfield.example")
    assert second.status_code == 201, second.text

    removed = requests.delete(f"{system.gateway}/accounts/organisations/{school}/members/{rhea_id}", timeout=10,
                              headers=_bearer(alice))
    assert removed.status_code == 204, removed.text
    assert _seconds_until_writes_are_refused(system, rhea_now) < 10
    assert _refused(_register(system, rhea_now, "3000003", "third@oakfield.example"))
    listed = _reads(system, rhea_now)
    assert listed.status_code == 200 and {"3000001", "3000002"} <= {e["trn"] for e in listed.json()}
    # Other members of the school are not affected.
    assert _register(system, alice, "3000003", "third@oakfield.example").status_code == 201
