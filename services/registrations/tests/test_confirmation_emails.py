"""The school user who registers an ECT or a mentor gets a confirmation email (GOV.UK Notify, through the email
outbox) naming the teacher and the school, with the link to the teacher's page; a CSV upload gets one summary."""
from ecf_shared.emails.sender import EmailSender
from ecf_shared.service import build_workers
from ecf_shared.testing.notify import queued_emails
from registrations.definition import DEFINITION
from registrations.settings import RegistrationsSettings

from conftest import OTHER_SCHOOL, SCHOOL, auth, ect_body, staff_acting_for
from test_bulk import HEADER, MENTORS_HEADER, mentor_row, post_csv, row
from test_mentors import register_ect, register_mentor

PORTAL = "http://127.0.0.1:8080"


def _send_all(svc, notify_standin) -> None:
    sender = EmailSender.from_settings(svc.settings.with_overrides(**notify_standin.settings_for(RegistrationsSettings)),
                                       svc.db)
    while sender.send_due():
        pass


def test_registering_an_ect_emails_the_registering_user_a_confirmation_with_the_link(svc, fake_trs_sync, token_issuer,
                                                                                     notify_standin):
    notify_standin.reset()
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    ect = register_ect(svc, fake_trs_sync, token)
    [email] = queued_emails(svc.db)
    assert (email["template"], email["recipient"], email["reference"]) == (
        "ect_registered", "bob@oakfield.example", f"ect_registered-{ect['id']}")
    assert email["personalisation"] == {"teacher_name": "Ada Lovelace", "school_name": "Oakfield Primary",
                                        "started_on": "1 September 2026", "link": f"{PORTAL}/school/ects/{ect['id']}"}
    _send_all(svc, notify_standin)
    [sent] = notify_standin.emails()
    assert sent["email_address"] == "bob@oakfield.example"
    assert sent["subject"] == "Ada Lovelace is registered as an early career teacher at Oakfield Primary"
    assert f"{PORTAL}/school/ects/{ect['id']}" in sent["body"] and "1 September 2026" in sent["body"]
    assert queued_emails(svc.db)[0]["state"] == "sent"


def test_registering_a_mentor_emails_a_confirmation_with_the_mentors_link(svc, fake_trs_sync, token_issuer,
                                                                          notify_standin):
    notify_standin.reset()
    mentor = register_mentor(svc, fake_trs_sync, token_issuer.school_user(SCHOOL, email="bob@oakfield.example"))
    [email] = queued_emails(svc.db)
    assert email["template"] == "mentor_registered" and email["personalisation"]["teacher_name"] == "Max Mentor"
    assert email["personalisation"]["link"] == f"{PORTAL}/school/mentors/{mentor['id']}"
    _send_all(svc, notify_standin)
    [sent] = notify_standin.emails()
    assert sent["subject"] == "Max Mentor is registered as a mentor at Oakfield Primary"


def test_an_ect_moving_in_from_another_school_is_confirmed_to_the_school_that_registers_them(svc, fake_trs_sync,
                                                                                            token_issuer):
    register_ect(svc, fake_trs_sync, token_issuer.school_user(OTHER_SCHOOL, email="rita@riverside.example"))
    here = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    moved = svc.client.post("/ects", json=ect_body(started_on="2027-01-04", moving_from_another_school=True),
                            headers=auth(here))
    assert moved.status_code == 201, moved.json
    assert [(e["recipient"], e["personalisation"]["school_name"]) for e in queued_emails(svc.db)] == [
        ("rita@riverside.example", "Riverside Academy"), ("bob@oakfield.example", "Oakfield Primary")]


def test_a_csv_upload_sends_one_summary_listing_everyone_it_registered(svc, fake_trs_sync, token_issuer,
                                                                       notify_standin):
    notify_standin.reset()
    fake_trs_sync.add("1000001", first="Grace", last="Hopper")
    fake_trs_sync.add("1000002", first="Alan", last="Turing")
    token = token_issuer.school_user(SCHOOL, email="bob@oakfield.example")
    response = post_csv(svc, token, HEADER + row("1000001") + row("1000002"))
    assert response.status_code == 201, response.json
    grace, alan = response.json
    [email] = queued_emails(svc.db)
    assert (email["template"], email["recipient"]) == ("bulk_registered", "bob@oakfield.example")
    assert email["personalisation"] == {
        "registered": "2 ECTs", "school_name": "Oakfield Primary",
        "teachers": [f"Grace Hopper: {PORTAL}/school/ects/{grace['id']}", f"Alan Turing: {PORTAL}/school/ects/{alan['id']}"]}
    _send_all(svc, notify_standin)
    [sent] = notify_standin.emails()
    assert sent["subject"] == "2 ECTs registered at Oakfield Primary"
    assert (f"• Grace Hopper: {PORTAL}/school/ects/{grace['id']}\n• Alan Turing: {PORTAL}/school/ects/{alan['id']}"
            in sent["body"])


def test_a_mentor_csv_of_one_says_one_mentor(svc, fake_trs_sync, token_issuer):
    fake_trs_sync.add("8000001", first="Max", last="Mentor")
    response = svc.client.post("/mentors/bulk", data=(MENTORS_HEADER + mentor_row("8000001")).encode(),
                               headers={**auth(token_issuer.school_user(SCHOOL)), "Content-Type": "text/csv"})
    assert response.status_code == 201, response.json
    [email] = queued_emails(svc.db)
    assert email["template"] == "bulk_registered" and email["personalisation"]["registered"] == "1 mentor"
    assert email["personalisation"]["teachers"] == [f"Max Mentor: {PORTAL}/school/mentors/{response.json[0]['id']}"]


def test_a_refused_registration_emails_nobody(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    assert svc.client.post("/ects", json=ect_body(trn="7777777"), headers=auth(token)).status_code == 422  # not in TRS
    fake_trs_sync.add("1000001")
    bad_file = post_csv(svc, token, HEADER + row("1000001") + row("1000002"))  # the second row's teacher is unknown
    assert bad_file.status_code == 422
    register_ect(svc, fake_trs_sync, token)
    again = svc.client.post("/ects", json=ect_body(), headers=auth(token))
    assert again.status_code == 409
    assert [e["template"] for e in queued_emails(svc.db)] == ["ect_registered"]  # only the one that was registered


def test_staff_acting_for_a_school_get_the_confirmation_themselves(svc, fake_trs_sync, token_issuer):
    register_ect(svc, fake_trs_sync, staff_acting_for(token_issuer, SCHOOL))
    assert [e["recipient"] for e in queued_emails(svc.db)] == ["sam.staff@education.gov.uk"]


def test_the_registrations_worker_runs_the_email_sender_when_notify_is_configured(svc, notify_standin):
    settings = svc.settings.with_overrides(**notify_standin.settings_for(RegistrationsSettings))
    assert [name for name, _ in build_workers(DEFINITION, settings)] == ["relay", "consumer", "email-sender"]
    assert "email-sender" not in [name for name, _ in build_workers(DEFINITION, svc.settings)]
