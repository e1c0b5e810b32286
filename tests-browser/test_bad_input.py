"""Bad answers on the forms not covered by the journeys: the error summary links to the field, nothing changes."""
import requests

from journeys import api, ects, find_teacher, register_an_ect, seed


def test_changes_that_change_nothing_or_leave_a_name_empty_are_refused(people, system):
    seed(system, "2800001", "Unchanged", "Teacher")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2800001", "unchanged@oakfield.example", provider_led=False)
    alice.click("View Unchanged Teacher's details")
    alice.page.get_by_role("link", name="Change name").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.fill("First name", "")
    alice.press("Continue")
    assert alice.errors() == {"Enter the first name": "#first_name"}
    alice.fill("First name", "Unchanged")
    alice.press("Continue")
    assert alice.errors() == {"Enter a name that is different from the current one": "#first_name"}
    alice.goto("/school/ects?q=2800001")
    alice.click("Unchanged Teacher")
    alice.page.get_by_role("link", name="Change working pattern").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.press("Continue")  # full time is already chosen
    assert alice.errors() == {"Select a working pattern that is different from the current one": "#working_pattern"}
    teacher = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2800001")
    assert (teacher["first_name"], teacher["working_pattern"]) == ("Unchanged", "full_time")


def test_finding_a_mentor_needs_a_trn_and_a_real_date_of_birth(people, system):
    alice = people("alice@oakfield.example")
    alice.goto("/school/register-mentor")
    alice.press("Continue")
    alice.expect_h1("Find a mentor")
    find_teacher(alice, "abc")
    assert alice.errors() == {"Teacher reference number must include 7 digits": "#trn"}
    alice.fill("Teacher reference number (TRN)", "2899999")
    alice.page.locator("input[name='date_of_birth-year']").fill("3000")
    alice.press("Continue")
    assert alice.errors() == {"Date of birth must be in the past": "#date_of_birth-day"}


def test_the_same_induction_tutor_twice_is_refused_with_a_message(people, system):
    alice = people("alice@oakfield.example")
    for _ in range(2):
        alice.goto("/school/contacts/induction-tutors")
        alice.fill("Full name", "Twice Tutor")
        alice.fill("Email address", "twice.tutor@oakfield.example")
        alice.press("Save induction tutor")
    assert alice.errors() == {"That person is already nominated as an induction tutor here.": "#email"}
    contacts = requests.get(f"{system.gateway}/accounts/organisations/{system.org('school-1')}/contacts", timeout=10,
                            headers=api(system, "alice@oakfield.example")).json()
    assert [t["email"] for t in contacts["induction_tutors"]].count("twice.tutor@oakfield.example") == 1
