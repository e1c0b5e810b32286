"""School contacts: induction tutors (no account needed), the contact email for lead providers, users' emails."""
from conftest import contacts_events, audit_rows, bearer, sign_in, invitation_token


def test_any_school_user_nominates_and_removes_induction_tutors(svc, demo):
    school = demo("school-1")
    bob = sign_in(svc.client, "bob@oakfield.example")  # an end user: manage_contacts comes with every school role
    added = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                            json={"name": "Tess Tutor", "email": "tess@oakfield.example"}, headers=bearer(bob))
    assert added.status_code == 201, added.json
    assert [(t["name"], t["email"]) for t in added.json["induction_tutors"]] == [("Tess Tutor", "tess@oakfield.example")]
    assert added.json["contact_email"] == "office@oakfield.example" and added.json["contact_email_source"] == "gias"
    dup = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                          json={"name": "T", "email": "TESS@oakfield.example"}, headers=bearer(bob))
    assert dup.status_code == 409 and dup.json["code"] == "tutor_already_nominated"
    second = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                             json={"name": "Ursula Other", "email": "ursula@elsewhere.example"}, headers=bearer(bob)).json
    assert len(second["induction_tutors"]) == 2

    event = contacts_events(svc)[-1]
    assert event["data"] == {
        "organisation_id": school, "contact_email": "office@oakfield.example",
        "induction_tutors": [{"name": "Tess Tutor", "email": "tess@oakfield.example"},
                             {"name": "Ursula Other", "email": "ursula@elsewhere.example"}],
        "user_emails": ["alice@oakfield.example", "bob@oakfield.example", "carol@oakfield.example"]}
    assert event["actor"]["email"] == "bob@oakfield.example" and event["actor"]["organisation_id"] == school

    tess = added.json["induction_tutors"][0]["id"]
    removed = svc.client.delete(f"/organisations/{school}/contacts/induction-tutors/{tess}", headers=bearer(bob))
    assert removed.status_code == 200 and [t["name"] for t in removed.json["induction_tutors"]] == ["Ursula Other"]
    assert len(contacts_events(svc)) == 3
    assert [r["action"] for r in audit_rows(svc, organisation_id=school)] == [
        "induction_tutor_nominated", "induction_tutor_nominated", "induction_tutor_removed"]


def test_the_school_sets_its_contact_email_for_lead_providers(svc, demo):
    school = demo("school-1")
    alice = sign_in(svc.client, "alice@oakfield.example")
    set_ = svc.client.patch(f"/organisations/{school}/contacts", json={"contact_email": "ects@oakfield.example"},
                            headers=bearer(alice))
    assert set_.status_code == 200 and set_.json["contact_email"] == "ects@oakfield.example"
    assert set_.json["contact_email_source"] == "school"
    same = svc.client.patch(f"/organisations/{school}/contacts", json={"contact_email": "ects@oakfield.example"},
                            headers=bearer(alice))
    assert same.status_code == 200
    assert len(contacts_events(svc)) == 1  # no change, no event
    back = svc.client.patch(f"/organisations/{school}/contacts", json={"contact_email": None}, headers=bearer(alice)).json
    assert back["contact_email"] == "office@oakfield.example" and back["contact_email_source"] == "gias"
    entry = [r for r in audit_rows(svc, organisation_id=school)][0]
    assert entry["before"] == {"contact_email_for_lead_providers": None}
    assert entry["after"] == {"contact_email_for_lead_providers": "ects@oakfield.example"}
    bad = svc.client.patch(f"/organisations/{school}/contacts", json={"contact_email": "nope"}, headers=bearer(alice))
    assert bad.status_code == 422


def test_contacts_are_only_for_the_users_own_school(svc, demo):
    alice = sign_in(svc.client, "alice@oakfield.example")
    other = demo("school-2")
    refused = svc.client.post(f"/organisations/{other}/contacts/induction-tutors",
                              json={"name": "X", "email": "x@y.example"}, headers=bearer(alice))
    assert refused.status_code == 403
    assert svc.client.get(f"/organisations/{other}/contacts", headers=bearer(alice)).status_code == 403
    abby = sign_in(svc.client, "abby@kingsbridge.example")  # an appropriate body user
    not_school = svc.client.post(f"/organisations/{demo('ab-1')}/contacts/induction-tutors",
                                 json={"name": "X", "email": "x@y.example"}, headers=bearer(abby))
    assert not_school.status_code == 403
    assert contacts_events(svc) == []


def test_contacts_are_republished_when_the_schools_members_change(svc, demo):
    school = demo("school-1")
    alice = sign_in(svc.client, "alice@oakfield.example")
    svc.client.post(f"/organisations/{school}/invitations", json={"email": "zed@oakfield.example"},
                    headers=bearer(alice))
    svc.client.post(f"/invitations/{invitation_token(svc, 'zed@oakfield.example')}/accept",
                    json={"first_name": "Zed", "last_name": "Zee"})
    emails = contacts_events(svc)[-1]["data"]["user_emails"]
    assert "zed@oakfield.example" in emails and len(emails) == 4


def test_the_school_sees_what_lead_providers_receive(svc, demo):
    """The tutor, else the contact email, and the school's contacts: the rule lp-api applies to partnerships."""
    school = demo("school-1")
    bob = sign_in(svc.client, "bob@oakfield.example")
    before = svc.client.get(f"/organisations/{school}/contacts", headers=bearer(bob)).json["for_lead_providers"]
    assert (before["induction_tutor_name"], before["induction_tutor_email"]) == (None, "office@oakfield.example")
    assert before["school_contacts"][0] == {"name": None, "email": "office@oakfield.example", "role": "school_contact"}
    assert {c["email"] for c in before["school_contacts"] if c["role"] == "school_user"} == {
        "alice@oakfield.example", "bob@oakfield.example", "carol@oakfield.example"}
    after = svc.client.post(f"/organisations/{school}/contacts/induction-tutors",
                            json={"name": "Tess Tutor", "email": "tess@oakfield.example"}, headers=bearer(bob)).json
    seen = after["for_lead_providers"]
    assert (seen["induction_tutor_name"], seen["induction_tutor_email"]) == ("Tess Tutor", "tess@oakfield.example")
    assert seen["school_contacts"][0] == {"name": "Tess Tutor", "email": "tess@oakfield.example", "role": "induction_tutor"}
