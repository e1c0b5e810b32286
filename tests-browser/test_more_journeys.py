"""The rest of the school's pages: a teacher moving from another school, mentors' changes, mentors and leavers from
files, invitations sent again or cancelled, the contact email, and a page for another kind of organisation."""
from datetime import timedelta

import requests

from journeys import START, answer_the_questions, api, ects, find_teacher, seed, start_registering_an_ect
from system import eventually


def test_a_teacher_registered_at_another_school_is_moving_here(people, system):
    seed(system, "2700001", "Moving", "Teacher")
    riverside = api(system, "sasha@trust.example", "school-2")
    requests.post(f"{system.gateway}/registrations/ects", timeout=20, headers=riverside, json={
        "trn": "2700001", "date_of_birth": "1995-03-14", "started_on": "2025-09-01", "email": "m@riverside.example",
        "working_pattern": "full_time", "training_programme": "school_led", "cohort": 2025}).raise_for_status()
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    find_teacher(alice, "2700001")
    alice.expect_h1("Is Moving Teacher moving to your school from Riverside Academy?")
    alice.press("Continue")
    assert alice.errors() == {"Select yes if Moving Teacher is moving to your school": "#moving"}
    alice.choose("No")
    alice.press("Continue")
    alice.expect_h1("You cannot register this teacher yet")
    alice.click("Back")
    alice.choose("Yes")
    alice.press("Continue")
    answer_the_questions(alice, "moving@oakfield.example", provider_led=False)
    assert alice.sees("Moving from") and alice.sees("Riverside Academy")
    alice.press("Confirm details")
    alice.expect_h1("ECT registered")
    assert "2700001" in {e["trn"] for e in ects(system, "alice@oakfield.example")}
    before = next(e for e in requests.get(f"{system.gateway}/registrations/ects", params={"status": "left"},
                                          headers=riverside, timeout=10).json() if e["trn"] == "2700001")
    assert before["finished_on"] == (START - timedelta(days=1)).isoformat()


def test_a_mentors_email_and_lead_provider_change(people, system, tmp_path):
    seed(system, "2700002", "Emmy", "Mentor")
    alice = people("alice@oakfield.example")
    alice.goto("/school/mentors")
    alice.click("Upload a file of mentors")
    path = tmp_path / "mentors.csv"
    path.write_text("trn,date_of_birth,started_on,email,lead_provider_id,cohort\n"
                    f"2700002,1995-03-14,2026-09-01,emmy@oakfield.example,{system.org('lp-1')},2026\n")
    alice.upload("Upload a CSV file", path)
    alice.press("Upload file")
    alice.expect_h1("File uploaded")
    assert alice.sees("1 mentor registered")
    alice.goto("/school/mentors?q=2700002")
    alice.click("Emmy Mentor")
    alice.page.get_by_role("link", name="Change email address").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.fill(alice.h1, "")
    alice.press("Continue")
    assert alice.errors() == {"Enter the email address": "#email"}
    alice.fill(alice.h1, "e.mentor@oakfield.example")
    alice.press("Continue")
    alice.press("Confirm change")
    alice.click("View Emmy Mentor's details")
    alice.page.get_by_role("link", name="Change lead provider").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.choose("Brightside Learning")
    alice.press("Continue")
    alice.press("Confirm change")
    alice.expect_h1("Lead provider changed")
    mentor = next(m for m in requests.get(f"{system.gateway}/registrations/mentors", timeout=10,
                                          headers=api(system, "alice@oakfield.example")).json() if m["trn"] == "2700002")
    assert (mentor["email"], mentor["lead_provider_name"]) == ("e.mentor@oakfield.example", "Brightside Learning")


def test_leavers_from_a_file(people, system, tmp_path):
    seed(system, "2700003", "Leaving", "Soon")
    headers = api(system, "alice@oakfield.example")
    requests.post(f"{system.gateway}/registrations/ects", timeout=20, headers=headers, json={
        "trn": "2700003", "date_of_birth": "1995-03-14", "started_on": "2026-09-01", "email": "l@oakfield.example",
        "working_pattern": "full_time", "training_programme": "school_led", "cohort": 2026}).raise_for_status()
    alice = people("alice@oakfield.example")
    alice.goto("/school/bulk")
    alice.click("Report teachers who are leaving")
    path = tmp_path / "leavers.csv"
    path.write_text("trn,participant_type,finished_on,reason\n2700003,ect,2027-07-20,\n")
    alice.upload("Upload a CSV file", path)
    alice.press("Upload file")
    alice.expect_h1("File uploaded")
    assert alice.sees("20 July 2027")
    assert next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2700003")["finished_on"] == "2027-07-20"


def test_an_invitation_sent_again_or_cancelled(people, system):
    alice = people("alice@oakfield.example")
    alice.goto("/school/users/invite")
    alice.fill(alice.h1, "twice@oakfield.example")
    alice.press("Continue")
    alice.press("Continue")
    assert alice.errors() == {"Select a role for this user": "#role"}
    alice.choose("Approver")
    alice.press("Continue")
    alice.press("Send invitation")
    alice.click("Go to your school's users")
    first = eventually(lambda: [e for e in system.emails() if e["email_address"] == "twice@oakfield.example"], timeout=30)
    alice.page.get_by_role("button", name="Send again to twice@oakfield.example").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.expect_text("We have sent the invitation to twice@oakfield.example again")
    eventually(lambda: len([e for e in system.emails() if e["email_address"] == "twice@oakfield.example"]) > len(first),
               timeout=30)
    alice.page.get_by_role("link", name="Cancel the invitation to twice@oakfield.example").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.press("Cancel invitation")
    alice.expect_text("The invitation to twice@oakfield.example has been cancelled")
    assert not alice.sees("twice@oakfield.example has been") or not alice.page.get_by_role(
        "button", name="Send again to twice@oakfield.example").count()


def test_the_schools_contact_email_for_lead_providers(people, system):
    alice = people("alice@oakfield.example")
    alice.click("Contacts")
    alice.page.get_by_role("link", name="Change contact email address").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.fill(alice.h1, "not-an-email")
    alice.press("Save email address")
    assert alice.errors() == {"Enter a contact email address in the correct format, like name@example.com":
                              "#contact_email"}
    alice.fill(alice.h1, "ects@oakfield.example")
    alice.press("Save email address")
    alice.expect_text("The contact email address is now ects@oakfield.example")
    alice.page.get_by_role("link", name="Change contact email address").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.press("Use the email address from Get information about schools")
    alice.expect_text("from Get information about schools")


def test_a_page_for_schools_seen_while_working_as_another_kind_of_organisation(people):
    priya = people("priya@providers.example")
    priya.choose("Kingsbridge Teaching School Hub")
    priya.press("Continue")
    priya.expect_h1("Teachers")  # the appropriate body section
    priya.goto("/school/ects")
    priya.expect_h1("This page is for schools")
    assert priya.sees("You are working as Kingsbridge Teaching School Hub")
    priya.click("Change organisation")
    priya.expect_h1("Which organisation do you want to work as?")
