"""Registering ECTs and mentors in the browser, from sign-in to confirmation, checked in the services after."""
from datetime import date

from journeys import START, answer_the_questions, ects, find_teacher, register_an_ect, seed, start_registering_an_ect
from system import eventually


def test_two_users_of_one_school_register_an_ect_each_and_both_see_both(people, system):
    seed(system, "2400001", "Ada", "Lovelace")
    seed(system, "2400002", "Charles", "Babbage")
    alice, bob = people("alice@oakfield.example"), people("bob@oakfield.example")
    register_an_ect(alice, "2400001", "ada@oakfield.example", screenshots="register-ect")
    alice.screenshot("ect-registered")
    register_an_ect(bob, "2400002", "charles@oakfield.example", provider_led=False, part_time=True)
    for user in (alice, bob):
        user.goto("/school/ects")
        assert user.sees("Ada Lovelace") and user.sees("Charles Babbage")
    alice.screenshot("ect-list")
    registered = {e["trn"]: e for e in ects(system, "carol@oakfield.example")}
    ada, charles = registered["2400001"], registered["2400002"]
    assert ada["registered_by"]["email"] == "alice@oakfield.example"
    assert charles["registered_by"]["email"] == "bob@oakfield.example"
    assert (ada["training_programme"], ada["lead_provider_name"], ada["working_pattern"]) == (
        "provider_led", "Northern Lights Teaching", "full_time")
    assert (charles["training_programme"], charles["working_pattern"]) == ("school_led", "part_time")
    assert ada["appropriate_body_name"] == "Kingsbridge Teaching School Hub" and ada["started_on"] == "2026-09-01"
    # The ECT's page: what the services hold, the induction status once inductions has heard, who registered them.
    alice.goto("/school/ects")
    alice.click("Ada Lovelace")
    alice.expect_h1("Ada Lovelace")
    eventually(lambda: (alice.goto(alice.page.url), alice.sees("Required to complete"))[1], timeout=30, interval=1)
    assert alice.sees("Alice Approver (alice@oakfield.example)") and alice.sees("Northern Lights Teaching")
    alice.screenshot("ect-page")
    # Each registration's confirmation email went to the person who made it.
    def emails():
        found = system.emails()
        return [e for e in found if e["email_address"] in ("alice@oakfield.example", "bob@oakfield.example")
                and ("Ada Lovelace" in e["body"] or "Charles Babbage" in e["body"])]
    assert {e["email_address"] for e in eventually(lambda: len(emails()) >= 2 and emails(), timeout=30)} == {
        "alice@oakfield.example", "bob@oakfield.example"}


def test_a_teacher_trs_does_not_know_and_one_already_registered_each_get_their_own_page(people, system):
    seed(system, "2400003", "Grace", "Hopper")
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    find_teacher(alice, "2499999")
    alice.expect_h1("We cannot find this teacher")
    assert alice.sees("2499999") and alice.sees("14 March 1995")
    alice.screenshot("register-ect-not-found")
    alice.click("Try another teacher")
    alice.expect_h1("Find an ECT")
    register_an_ect(alice, "2400003", "grace@oakfield.example")
    bob = people("bob@oakfield.example")
    start_registering_an_ect(bob)
    find_teacher(bob, "2400003")
    bob.expect_h1("This teacher is already registered at your school")
    assert [e["trn"] for e in ects(system, "bob@oakfield.example")].count("2400003") == 1


def test_a_teacher_whose_induction_is_complete_or_who_is_prohibited_cannot_be_registered(people, system):
    seed(system, "2400004", "Passed", "Already", inductionStatus="Passed", inductionStartDate="2024-09-01",
         inductionCompletedDate="2026-07-01")
    seed(system, "2400005", "Barred", "Teacher", prohibited=True)
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    find_teacher(alice, "2400004")
    alice.expect_h1("This teacher cannot be registered as an ECT")
    alice.click("Try another teacher")
    find_teacher(alice, "2400005")
    alice.expect_h1("This teacher cannot be registered")
    assert alice.sees("prohibited from teaching")
    assert not {"2400004", "2400005"} & {e["trn"] for e in ects(system, "alice@oakfield.example")}


def test_bad_answers_get_the_error_summary_linked_to_the_field_and_nothing_is_registered(people, system):
    seed(system, "2400006", "Emmy", "Noether")
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    alice.press("Continue")
    assert alice.errors() == {"Enter the teacher reference number (TRN)": "#trn",
                              "Enter the date of birth": "#date_of_birth-day"}
    alice.fill("Teacher reference number (TRN)", "12")
    alice.page.locator("input[name='date_of_birth-day']").fill("31")
    alice.page.locator("input[name='date_of_birth-month']").fill("2")
    alice.page.locator("input[name='date_of_birth-year']").fill("1995")
    alice.press("Continue")
    assert alice.errors() == {"Teacher reference number must include 7 digits": "#trn",
                              "Date of birth must be a real date": "#date_of_birth-day"}
    assert alice.page.locator("#trn").input_value() == "12"  # what was typed stays
    find_teacher(alice, "2400006")
    alice.press("Confirm and continue")
    alice.fill(alice.h1, "not an email")
    alice.press("Continue")
    assert alice.errors() == {"Enter an email address in the correct format, like name@example.com": "#email"}
    alice.fill(alice.h1, "emmy@oakfield.example")
    alice.press("Continue")
    alice.page.locator("input[name='started_on-day']").fill("1")
    alice.page.locator("input[name='started_on-year']").fill("2026")
    alice.press("Continue")
    assert alice.errors() == {"Start date must include a month": "#started_on-month"}
    alice.fill_date("started_on", date(2020, 9, 1))
    alice.press("Continue")
    assert alice.errors() == {"Start date must be on or after 1 January 2021": "#started_on-day"}
    alice.fill_date("started_on", START)
    alice.press("Continue")
    alice.press("Continue")
    assert alice.errors() == {"Select if Emmy Noether works full time or part time": "#working_pattern"}
    alice.screenshot("register-ect-error")
    alice.choose("Full time")
    alice.press("Continue")
    if "same choices" in alice.h1:
        alice.press("Continue")
        assert alice.errors() == {"Select yes to use the same choices as your last ECT": "#use_previous"}
        alice.choose("No")
        alice.press("Continue")
    alice.press("Continue")
    assert alice.errors() == {"Select the appropriate body for this ECT": "#appropriate_body_id"}
    alice.choose("Westmoor Teaching School Hub")
    alice.press("Continue")
    alice.press("Continue")
    assert alice.errors() == {"Select the training programme for this ECT": "#training_programme"}
    alice.choose("Provider-led")
    alice.press("Continue")
    alice.press("Continue")
    assert alice.errors() == {"Select the lead provider": "#lead_provider_id"}
    assert "2400006" not in {e["trn"] for e in ects(system, "alice@oakfield.example")}


def test_jumping_ahead_goes_back_to_the_first_question_not_answered(people):
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    alice.goto("/school/register-ect/check-answers")
    alice.expect_h1("Find an ECT")
    alice.goto("/school/register-ect/lead-provider")
    alice.expect_h1("Find an ECT")


def test_a_change_from_check_answers_comes_back_to_check_answers(people, system):
    seed(system, "2400007", "Sophie", "Germain")
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    find_teacher(alice, "2400007")
    answer_the_questions(alice, "sophie@oakfield.example", provider_led=False)
    alice.page.get_by_role("link", name="Change training programme").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.choose("Provider-led")
    alice.press("Continue")
    alice.expect_h1("Which lead provider will train Sophie Germain?")  # the change needs one more answer
    alice.choose("Brightside Learning")
    alice.press("Continue")
    alice.expect_h1("Check your answers")
    assert alice.sees("Brightside Learning")
    alice.page.get_by_role("link", name="Change email address").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.fill(alice.h1, "s.germain@oakfield.example")
    alice.press("Continue")
    alice.expect_h1("Check your answers")
    assert alice.sees("s.germain@oakfield.example")
    alice.press("Confirm details")
    alice.expect_h1("ECT registered")
    sophie = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2400007")
    assert (sophie["email"], sophie["lead_provider_name"]) == ("s.germain@oakfield.example", "Brightside Learning")


def test_a_confirmation_sent_twice_registers_once(people, system):
    seed(system, "2400008", "Hedy", "Lamarr")
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    find_teacher(alice, "2400008")
    answer_the_questions(alice, "hedy@oakfield.example", provider_led=False)
    form = {i.get_attribute("name"): i.get_attribute("value")
            for i in alice.page.locator("main form input[type=hidden]").all()}
    url = alice.page.url
    first = alice.page.request.post(url, form=form, max_redirects=0)
    second = alice.page.request.post(url, form=form, max_redirects=0)
    assert first.status == 302 and second.status == 302
    assert first.headers["location"] == second.headers["location"]  # the replay goes where the first went
    assert [e["trn"] for e in ects(system, "alice@oakfield.example")].count("2400008") == 1


def test_two_tabs_or_a_lost_session_give_a_start_again_page(people, system):
    seed(system, "2400009", "Tab", "One")
    alice = people("alice@oakfield.example")
    start_registering_an_ect(alice)
    first_tab = alice.page
    second = alice.context.new_page()
    second.goto(f"{system.gateway}/school/register-ect")
    second.get_by_role("button", name="Continue").click()  # starts the wizard again in the second tab
    first_tab.get_by_label("Teacher reference number (TRN)").fill("2400009")
    for part, value in (("day", "14"), ("month", "3"), ("year", "1995")):
        first_tab.locator(f"input[name='date_of_birth-{part}']").fill(value)
    first_tab.get_by_role("button", name="Continue").click()
    first_tab.wait_for_load_state()
    alice._fresh = True
    alice.check()
    alice.expect_h1("You need to start again")
    alice.click("Start again")
    alice.expect_h1("Register an early career teacher (ECT)")


def test_changing_organisation_mid_wizard_keeps_nothing_of_the_first(people, system):
    seed(system, "2400010", "Half", "Done")
    sasha = people("sasha@trust.example")
    sasha.choose("Riverside Academy")
    sasha.press("Continue")
    start_registering_an_ect(sasha)
    find_teacher(sasha, "2400010")
    sasha.expect_h1("Check the details we hold")
    left_at = sasha.page.url
    sasha.click("Change organisation")
    sasha.choose("Hillside Primary School")
    sasha.press("Continue")
    sasha.goto(left_at.replace(system.gateway, ""))
    sasha.expect_h1("You need to start again")
    assert sasha.sees("You changed organisation")


def test_a_blended_user_is_asked_which_school_and_the_check_answers_page_names_it(people, system):
    seed(system, "2400011", "Mary", "Somerville")
    sasha = people("sasha@trust.example")
    sasha.choose("Riverside Academy")
    sasha.press("Continue")
    sasha.click("Settings")
    sasha.choose("All my organisations together")
    sasha.press("Save settings")
    try:
        start_registering_an_ect(sasha)
        sasha.expect_h1("Which school are you registering the ECT for?")
        sasha.press("Continue")
        assert sasha.errors() == {"Select the school you are registering the ECT for": "#school_id"}
        sasha.choose("Hillside Primary School")
        sasha.press("Continue")
        find_teacher(sasha, "2400011")
        answer_the_questions(sasha, "mary@hillside.example", provider_led=False)
        row = sasha.page.locator(".govuk-summary-list__row", has_text="School")
        assert "Hillside Primary School" in row.first.inner_text()
        sasha.screenshot("register-ect-blended-check-answers")
        sasha.press("Confirm details")
        sasha.expect_h1("ECT registered")
        mary = next(e for e in ects(system, "sasha@trust.example", "school-3") if e["trn"] == "2400011")
        assert mary["school_id"] == system.org("school-3")
    finally:
        sasha.click("Settings")
        sasha.choose("One organisation at a time")
        sasha.press("Save settings")


def test_register_an_ect_with_javascript_off(people, system):
    seed(system, "2400012", "Rosalind", "Franklin")
    alice = people("alice@oakfield.example", javascript=False)
    register_an_ect(alice, "2400012", "rosalind@oakfield.example")
    assert "2400012" in {e["trn"] for e in ects(system, "alice@oakfield.example")}


def test_register_a_mentor_and_assign_them(people, system):
    seed(system, "2400013", "Katherine", "Johnson")
    seed(system, "2400014", "Dorothy", "Vaughan")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2400013", "katherine@oakfield.example")
    alice.click("Assign a mentor to Katherine Johnson")
    alice.expect_h1("Who will mentor Katherine Johnson?")
    alice.choose("Register a new mentor")
    alice.press("Continue")
    alice.expect_h1("Register a mentor")
    alice.press("Continue")
    alice.expect_h1("Find a mentor")
    find_teacher(alice, "2400014")
    alice.press("Confirm and continue")
    alice.fill(alice.h1, "dorothy@oakfield.example")
    alice.press("Continue")
    alice.fill_date("started_on", START)
    alice.press("Continue")
    alice.choose("Northern Lights Teaching")
    alice.press("Continue")
    alice.expect_h1("Check your answers before registering this mentor")
    assert alice.sees("Katherine Johnson")
    alice.press("Confirm details")
    alice.expect_h1("Mentor registered")
    assert alice.sees("assigned to Katherine Johnson")
    katherine = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2400013")
    assert katherine["mentor_name"] == "Dorothy Vaughan"
    alice.goto("/school/mentors")
    assert alice.sees("Dorothy Vaughan") and alice.sees("Katherine Johnson")
    alice.click("Dorothy Vaughan")
    alice.expect_h1("Dorothy Vaughan")
    alice.screenshot("mentor-page")
