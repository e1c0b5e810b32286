"""Signing in (DfE Sign-in through accounts, and the local personas page), working for several organisations
(the hat chooser and "Change organisation", the blended view), and signing out."""
import requests


def token_for(system, email, school_key):
    """An access token acting for one of the person's schools."""
    token = system.sign_in(email)["access_token"]
    chosen = requests.post(f"{system.gateway}/accounts/me/acting-organisation", timeout=10,
                           headers={"Authorization": f"Bearer {token}"}, json={"organisation_id": system.org(school_key)})
    assert chosen.status_code == 200, chosen.text
    return chosen.json()["access_token"]


def register_by_api(system, email, school_key, trn, first, last, *, dob="1995-03-14") -> str:
    """A registration made straight through the gateway (the pages for it are tested elsewhere): its id."""
    system.seed_trs({"trn": trn, "firstName": first, "lastName": last, "dateOfBirth": dob, "qtsDate": "2026-07-15"})
    headers = {"Authorization": f"Bearer {token_for(system, email, school_key)}"}
    answer = requests.post(f"{system.gateway}/registrations/ects", timeout=20, headers=headers,
                           json={"trn": trn, "date_of_birth": dob,
                                 "started_on": "2026-09-01", "email": f"{first.lower()}@school.example",
                                 "working_pattern": "full_time", "training_programme": "school_led", "cohort": 2026,
                                 "appropriate_body_id": system.org("ab-1")})
    assert answer.status_code in (201, 409), answer.text
    if answer.status_code == 201:
        return answer.json()["id"]
    listed = requests.get(f"{system.gateway}/registrations/ects", timeout=10, headers=headers).json()
    return next(e["id"] for e in listed if e["trn"] == trn)


def test_sign_in_goes_through_dfe_sign_in_and_the_tokens_never_reach_the_browser(people):
    alice = people()
    alice.goto("/")
    alice.expect_h1("Register early career teachers")
    alice.screenshot("start")
    alice.page.get_by_role("button", name="Sign in").or_(alice.page.get_by_role("link", name="Sign in")).first.click()
    alice.page.wait_for_load_state()
    assert "/auth?" in alice.page.url  # the DfE Sign-in stand-in's own page
    alice.page.select_option("#email", "alice@oakfield.example")
    alice.page.get_by_role("button", name="Sign in").click()
    alice.page.wait_for_load_state()
    alice.check()
    assert alice.page.url.endswith("/school/ects")
    alice.expect_h1("Early career teachers")
    assert alice.page.get_by_test_id("organisation-name").inner_text() == "Oakfield Primary School"
    cookies = alice.context.cookies()
    assert [c["name"] for c in cookies] == ["ecf_portal_session"]
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax"
    assert "eyJ" not in cookies[0]["value"]  # no JWT: only a random id
    storage = alice.page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert "eyJ" not in storage and "eyJ" not in alice.page.content()


def test_a_hat_user_chooses_an_organisation_and_sees_only_its_records(people, system):
    rita = register_by_api(system, "sasha@trust.example", "school-2", "2300001", "Rita", "Riverside")
    register_by_api(system, "sasha@trust.example", "school-3", "2300002", "Harry", "Hillside")
    sasha = people("sasha@trust.example")
    sasha.expect_h1("Which organisation do you want to work as?")
    sasha.screenshot("choose-organisation")
    sasha.press("Continue")
    assert sasha.errors() == {"Select the organisation you want to work as": "#organisation_id"}
    sasha.choose("Riverside Academy")
    sasha.press("Continue")
    sasha.expect_h1("Early career teachers")
    assert sasha.page.get_by_test_id("organisation-name").inner_text() == "Riverside Academy"
    assert sasha.sees("Rita Riverside") and not sasha.sees("Harry Hillside")
    sasha.click("Change organisation")
    sasha.choose("Hillside Primary School")
    sasha.press("Continue")
    sasha.expect_text("You are now working as Hillside Primary School")
    assert sasha.sees("Harry Hillside") and not sasha.sees("Rita Riverside")
    # Riverside's records are not reachable by URL while working as Hillside.
    sasha.goto(f"/school/ects/{rita}")
    sasha.expect_h1("Page not found")
    assert "Rita" not in sasha.page.content()


def test_a_blended_user_sees_all_their_schools_and_filters_by_school(people, system):
    register_by_api(system, "sasha@trust.example", "school-2", "2300001", "Rita", "Riverside")
    register_by_api(system, "sasha@trust.example", "school-3", "2300002", "Harry", "Hillside")
    sasha = people("sasha@trust.example")
    sasha.choose("Riverside Academy")
    sasha.press("Continue")
    sasha.click("Settings")
    sasha.choose("All my organisations together")
    sasha.press("Save settings")
    sasha.expect_text("Your settings have been saved")
    sasha.click("ECTs")
    assert sasha.sees("Rita Riverside") and sasha.sees("Harry Hillside")
    assert sasha.page.get_by_test_id("organisation-name").count() == 0  # no acting organisation in blended mode
    sasha.choose("Hillside Primary School")
    sasha.press("Apply filters")
    assert sasha.sees("Harry Hillside") and not sasha.sees("Rita Riverside")
    assert f"school={system.org('school-3')}" in sasha.page.url  # the filter is in the URL: it can be bookmarked
    sasha.screenshot("ects-blended-filtered")
    bookmarked = people("sasha@trust.example")
    bookmarked.goto(sasha.page.url.replace(system.gateway, ""))
    assert bookmarked.sees("Harry Hillside") and not bookmarked.sees("Rita Riverside")
    sasha.click("Settings")
    sasha.choose("One organisation at a time")
    sasha.press("Save settings")


def test_after_signing_out_nothing_private_is_shown_even_with_the_back_button(people, system):
    register_by_api(system, "alice@oakfield.example", "school-1", "2300003", "Olive", "Oakfield")
    alice = people("alice@oakfield.example")
    assert alice.sees("Olive Oakfield")
    alice.sign_out()
    alice.expect_h1("You have signed out")
    alice.page.go_back()
    alice.page.wait_for_load_state()
    assert "Olive Oakfield" not in alice.page.content()
    alice.goto("/school/ects")
    alice.expect_h1("Register early career teachers")  # the start page: sign in again
    assert "Olive Oakfield" not in alice.page.content()


def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(people, system):
    alice = people("alice@oakfield.example")
    alice.goto("/school/contacts/induction-tutors")
    alice.fill("Full name", "Cross Site")
    alice.fill("Email address", "cross@site.example")
    alice.page.evaluate("document.querySelector('main input[name=csrf_token]').remove()")
    alice.press("Save induction tutor")
    alice.expect_h1("Your form was not sent")
    token = system.sign_in("alice@oakfield.example")["access_token"]
    contacts = requests.get(f"{system.gateway}/accounts/organisations/{system.org('school-1')}/contacts", timeout=10,
                            headers={"Authorization": f"Bearer {token}"}).json()
    assert "cross@site.example" not in {t["email"] for t in contacts["induction_tutors"]}


def test_the_personas_page_signs_in_in_one_click(people):
    anyone = people()
    anyone.goto("/")
    anyone.click("Sign in as a demo persona")
    anyone.expect_h1("Sign in as a demo persona")
    anyone.screenshot("personas")
    anyone.page.locator("[id='persona-bob@oakfield.example']").click()
    anyone.page.wait_for_load_state()
    anyone.check()
    anyone.expect_h1("Early career teachers")
