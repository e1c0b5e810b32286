"""The appropriate body's pages in the browser: a user of two appropriate bodies claims an ECT as one (hat mode),
cannot see them as the other, sees both in blended mode with the filter, records a fail, an appeal (upheld by DfE)
and a pass, and TRS receives the changes in order; every refusal and every bad answer is its own clear page."""
from datetime import date, timedelta

import requests

from journeys import DOB, START, api, find_teacher, seed
from system import eventually

HANA = "hana@hubs.example"
KINGSBRIDGE, WESTMOOR = "Kingsbridge Teaching School Hub", "Westmoor Teaching School Hub"


def work_as(user, mode: str, organisation: str | None = None) -> None:
    """Settings: one organisation at a time (then the chooser) or all together."""
    user.goto("/settings")
    if user.h1 == "Which organisation do you want to work as?":  # hat mode asks for one before anything else
        choose_organisation(user, KINGSBRIDGE)
        user.goto("/settings")
    user.choose("One organisation at a time" if mode == "hat" else "All my organisations together")
    user.press("Save settings")
    if organisation:
        choose_organisation(user, organisation)


def choose_organisation(user, organisation: str) -> None:
    if user.h1 != "Which organisation do you want to work as?":
        user.click("Change organisation")
    user.choose(organisation)
    user.press("Continue")


def claim(user, trn: str, *, body: str | None = None, started: date = START, screenshots: str | None = None,
          bad_input: bool = False) -> None:
    user.goto("/appropriate-body/teachers")
    user.click("Claim an ECT")
    user.expect_h1("Claim an early career teacher (ECT)")
    user.press("Continue")
    if body:
        user.expect_h1("Which appropriate body?")
        if bad_input:
            user.press("Continue")
            assert user.errors() == {"Select the appropriate body you are claiming this ECT for":
                                     "#appropriate_body_id"}
        user.choose(body)
        user.press("Continue")
    user.expect_h1("Find an ECT")
    if bad_input:
        user.fill("Teacher reference number (TRN)", "12ab")
        user.page.locator("input[name='date_of_birth-day']").fill("31")
        user.page.locator("input[name='date_of_birth-month']").fill("2")
        user.press("Continue")
        assert user.errors() == {"Teacher reference number must include 7 digits": "#trn",
                                 "Date of birth must include a year": "#date_of_birth-year"}
        if screenshots:
            user.screenshot(f"{screenshots}-find-errors")
    find_teacher(user, trn)
    user.expect_h1("Check the details we hold")
    user.press("Confirm and continue")
    if bad_input:
        user.fill_date("started_on", date.today() + timedelta(days=3))
        user.press("Continue")
        assert user.errors() == {"Induction start date cannot be in the future": "#started_on-day"}
    user.fill_date("started_on", started)
    user.press("Continue")
    if bad_input:
        user.press("Continue")
        assert user.errors() == {"Select the training programme": "#training_programme"}
    user.choose("School-led")
    user.press("Continue")
    user.expect_h1("Check your answers before claiming this ECT")
    if screenshots:
        user.screenshot(f"{screenshots}-check-answers")
    user.press("Claim ECT")
    user.expect_h1("ECT claimed")


def record_outcome(user, kind: str, ended: date, terms: str, *, told_on: date | None = None) -> None:
    user.click({"pass": "Record a passed induction", "fail": "Record a failed induction"}.get(kind, "Release"))
    user.fill_date("finished_on", ended)
    user.fill("Number of terms", terms)
    if kind == "fail":
        user.page.get_by_label("I confirm that I have told", exact=False).check()
        user.fill_date("appeal_notice_confirmed_on", told_on or ended)
    user.press({"pass": "Record pass", "fail": "Record fail", "release": "Release ECT"}[kind])


def fail_and_appeal(user, ended: date, terms: str) -> None:
    """Record a fail (the ECT told of the right to appeal on the day), then their appeal."""
    record_outcome(user, "fail", ended, terms)
    user.expect_text("induction has been recorded as failed")
    assert not user.sees("<p class")  # the banner shows the message, not its markup
    assert user.page.get_by_test_id("induction-status").inner_text() == "Failed"
    user.click("Record an appeal against the fail")
    user.expect_h1("Record an appeal")
    user.press("Record appeal")


def trs_statuses(system, trn: str) -> list[str]:
    return [p["body"]["status"] for p in system.trs_puts(trn) if p["status"] == 204]


def test_hat_then_blended_claim_fail_appeal_and_pass_reach_trs_in_order(people, system):
    seed(system, "2800001", "Ada", "Lovelace")
    hana = people(HANA)
    if hana.h1 != "Which organisation do you want to work as?":
        work_as(hana, "hat")
    choose_organisation(hana, KINGSBRIDGE)
    hana.expect_h1("Teachers")
    assert hana.page.get_by_test_id("organisation-name").inner_text() == KINGSBRIDGE
    claim(hana, "2800001", screenshots="ab-claim", bad_input=True)
    hana.screenshot("ab-claimed")
    hana.click("Go to your teachers")
    assert hana.sees("Ada Lovelace") and hana.sees("2800001")
    hana.screenshot("ab-teachers-hat")
    ada_url = "/appropriate-body/teachers/2800001"

    # As Westmoor, Ada is nobody's business: not listed, her page and its forms not found, and not claimable.
    choose_organisation(hana, WESTMOOR)
    assert hana.page.get_by_test_id("organisation-name").inner_text() == WESTMOOR
    hana.goto("/appropriate-body/teachers")
    assert not hana.sees("Ada Lovelace") and hana.sees("You have not claimed any ECTs yet")
    for path in (ada_url, f"{ada_url}/outcome/pass", f"{ada_url}/extensions/new", f"{ada_url}/appeal"):
        assert hana.goto(path).status == 404, path
        hana.expect_h1("Page not found")
    claim_url = "/appropriate-body/claim-an-ect"
    hana.goto(claim_url)
    hana.press("Continue")
    find_teacher(hana, "2800001")
    hana.expect_h1("Another appropriate body is supporting this ECT")
    hana.screenshot("ab-claim-claimed-elsewhere")

    # Blended: both appropriate bodies, a column saying whose, the filter by appropriate body.
    work_as(hana, "blended")
    hana.goto("/appropriate-body/teachers")
    assert hana.sees("Ada Lovelace") and hana.sees(KINGSBRIDGE)
    hana.choose(WESTMOOR)
    hana.press("Apply filters")
    assert not hana.sees("Ada Lovelace") and hana.sees("No teachers match these filters")
    hana.choose(KINGSBRIDGE)
    hana.press("Apply filters")
    assert hana.sees("Ada Lovelace")
    hana.screenshot("ab-teachers-blended-filtered")

    # A fail (bad answers first), an appeal, DfE upholds it, then a pass.
    today = date.today()
    hana.click("Ada Lovelace")
    hana.expect_h1("Ada Lovelace")
    hana.click("Record a failed induction")
    hana.press("Record fail")
    assert hana.errors() == {"Enter the end date": "#finished_on-day", "Enter the number of terms": "#number_of_terms",
                             "Confirm that you have told the ECT about their right to appeal": "#appeal_notice_confirmed",
                             "Enter the date you told them": "#appeal_notice_confirmed_on-day"}
    hana.fill_date("finished_on", START - timedelta(days=1))
    hana.fill("Number of terms", "16.5")
    hana.press("Record fail")
    errors = hana.errors()
    assert errors["End date must be on or after the start of the induction period"] == "#finished_on-day"
    assert errors["Number of terms must be between 0 and 16, with up to one decimal place"] == "#number_of_terms"
    hana.screenshot("ab-fail-errors")
    hana.goto(ada_url)
    fail_and_appeal(hana, today, "2")
    hana.expect_text("Ada Lovelace's appeal has been recorded")
    assert hana.sees("Waiting for DfE to record the decision")
    # DfE records the decision (the edit rules give it to staff) in the admin console.
    sam = people("sam@education.gov.uk")
    sam.goto("/admin/teachers/2800001")
    sam.click("Record the appeal decision")
    sam.expect_h1("Record the appeal decision")
    sam.press("Record decision")
    assert sam.errors() == {"Select the appeal's decision": "#decision"}
    sam.choose("Upheld: the induction continues")
    sam.fill("Note (optional)", "Panel upheld the appeal.")
    sam.screenshot("admin-appeal-decision")
    sam.press("Record decision")
    sam.expect_text("The decision on Ada Lovelace's appeal has been recorded")
    assert not sam.sees("Record the appeal decision")
    hana.goto(ada_url)
    assert hana.page.get_by_test_id("induction-status").inner_text() == "In progress"
    assert hana.sees("Upheld: the induction continues")
    hana.click("Add an extension")
    hana.press("Save extension")
    assert hana.errors() == {"Enter the number of terms": "#terms"}
    hana.fill(hana.h1, "1.5")
    hana.press("Save extension")
    hana.expect_text("An extension of 1.5 terms has been added")
    assert hana.sees("7.5 (6 plus extensions)")
    hana.click("Change extension 1")
    hana.fill(hana.h1, "0")
    hana.press("Save extension")
    assert hana.errors() == {"Number of terms must be between 0.1 and 16, with up to one decimal place": "#terms"}
    hana.fill(hana.h1, "2")
    hana.press("Save extension")
    assert hana.sees("8.0 (6 plus extensions)")
    record_outcome(hana, "pass", today, "6")
    hana.expect_text("Ada Lovelace's induction has been recorded as passed")
    assert hana.page.get_by_test_id("induction-status").inner_text() == "Passed"
    hana.screenshot("ab-teacher-passed")
    hana.goto("/appropriate-body/teachers")
    assert not hana.sees("Ada Lovelace")
    hana.click("Closed inductions")
    assert hana.sees("Ada Lovelace")
    hana.screenshot("ab-teachers-closed")

    eventually(lambda: trs_statuses(system, "2800001") == ["InProgress", "Failed", "InProgress", "Passed"], timeout=30)
    puts = [p["body"] for p in system.trs_puts("2800001") if p["status"] == 204]
    assert [p.get("completedDate") for p in puts] == [None, today.isoformat(), None, today.isoformat()]
    assert [p["modifiedOn"] for p in puts] == sorted(p["modifiedOn"] for p in puts)


def test_claim_refusals_out_of_window_appeal_and_search(people, system):
    seed(system, "2800002", "Grace", "Hopper")
    seed(system, "2800003", "Passed", "Already", inductionStatus="Passed")
    seed(system, "2800004", "Barred", "Teacher", prohibited=True)
    seed(system, "2800005", "Not", "Qualified", qts=None)
    hana = people(HANA)
    work_as(hana, "blended")
    refusals = {"2800003": "This teacher has already completed their induction",
                "2800004": "This teacher is prohibited from teaching",
                "2800005": "This teacher does not have qualified teacher status (QTS)",
                "2899999": "We cannot find this teacher"}
    for trn, heading in refusals.items():
        hana.goto("/appropriate-body/claim-an-ect")
        hana.press("Continue")
        hana.choose(WESTMOOR)
        hana.press("Continue")
        find_teacher(hana, trn)
        hana.expect_h1(heading)
        hana.screenshot(f"ab-claim-refused-{trn}")
    # Oakfield registered Grace, reporting Westmoor; claimed for Westmoor (blended asks which), her page names both.
    alice = api(system, "alice@oakfield.example")
    westmoor = next(o["organisation_id"] for o in requests.get(f"{system.gateway}/accounts/me/organisations",
                                                                 headers=api(system, HANA), timeout=10).json()
                    if o["name"] == WESTMOOR)
    registered = requests.post(f"{system.gateway}/registrations/ects", headers=alice, timeout=10, json={
        "trn": "2800002", "date_of_birth": DOB.isoformat(), "started_on": START.isoformat(),
        "email": "grace@oakfield.example", "working_pattern": "full_time", "training_programme": "school_led",
        "cohort": 2026, "appropriate_body_id": westmoor})
    assert registered.status_code == 201, registered.text
    claim(hana, "2800002", body=WESTMOOR, screenshots="ab-claim-blended",
          bad_input=True)
    school_shown = lambda: hana.goto("/appropriate-body/teachers/2800002") and hana.sees("Oakfield")  # noqa: E731
    eventually(school_shown, timeout=20, interval=0.5)
    assert hana.sees("Appropriate body the school reports") and hana.sees(f"{WESTMOOR}")
    hana.screenshot("ab-teacher-school")
    # A fail ended 40 days ago cannot be appealed here any more.
    hana.goto("/appropriate-body/teachers?q=hopper")
    assert hana.sees("Grace Hopper") and hana.sees(WESTMOOR)
    hana.goto("/appropriate-body/teachers?q=2800002")
    assert hana.sees("Grace Hopper")
    hana.goto("/appropriate-body/teachers?q=lovelace-nobody")
    assert hana.sees("No teachers match these filters")
    hana.goto("/appropriate-body/teachers/2800002")
    fail_and_appeal(hana, date.today() - timedelta(days=40), "3")
    hana.expect_h1("We have sent this to DfE to handle")
    hana.screenshot("ab-appeal-manual-handling")
    hana.click("Go back to Grace Hopper")
    assert hana.sees("No appeals.")
    staff = api(system, "sam@education.gov.uk")
    queue = requests.get(f"{system.gateway}/inductions/manual-handling", params={"trn": "2800002"}, headers=staff,
                         timeout=10).json()
    assert [item["action"] for item in queue] == ["lodge_appeal"]


def test_bulk_claims_and_outcomes_all_or_nothing_and_a_release(people, system, tmp_path):
    for trn, first in (("2800011", "Mary"), ("2800012", "Ida"), ("2800013", "Emmy")):
        seed(system, trn, first, "Bulk")
    hana = people(HANA)
    work_as(hana, "blended")
    hana.goto("/appropriate-body/teachers")
    hana.click("Upload a file of claims or outcomes")
    hana.click("Upload claims")
    claims = tmp_path / "claims.csv"
    claims.write_text("trn,date_of_birth,training_programme,started_on\n"
                      f"2800011,{DOB},school_led,{START}\n2800012,{DOB},someone_led,{START}\n2899998,{DOB},,{START}\n")
    hana.choose(WESTMOOR)
    hana.upload("Upload a CSV file", claims)
    hana.press("Upload file")
    hana.expect_h1("Your file has errors")
    assert hana.sees("Nothing in the file has been saved") and hana.sees("training_programme")
    assert hana.page.locator("[data-testid='rejected-rows'] tbody tr").count() == 2
    hana.screenshot("ab-bulk-rejected")
    claims.write_text("trn,date_of_birth,training_programme,started_on\n"
                      f"2800011,{DOB},school_led,{START}\n2800012,{DOB},provider_led,{START}\n"
                      f"2800013,{DOB},,{START}\n")
    hana.choose(WESTMOOR)
    hana.upload("Upload a CSV file", claims)
    hana.press("Upload file")
    hana.expect_h1("File uploaded")
    assert hana.sees("3 ECTs claimed for Westmoor Teaching School Hub")
    today = date.today().isoformat()
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("trn,date_of_birth,finished_on,number_of_terms,outcome\n"
                        f"2800011,,{today},6,pass\n2800012,,{today},2,fail\n")
    hana.goto("/appropriate-body/bulk/outcomes")
    hana.choose(WESTMOOR)
    hana.upload("Upload a CSV file", outcomes)
    hana.press("Upload file")
    hana.expect_h1("Your file has errors")
    assert hana.sees("a fail is never recorded in a file")
    outcomes.write_text("trn,date_of_birth,finished_on,number_of_terms,outcome\n"
                        f"2800011,,{today},6,pass\n2800012,,{today},2,release\n")
    hana.choose(WESTMOOR)
    hana.upload("Upload a CSV file", outcomes)
    hana.press("Upload file")
    assert hana.sees("2 outcomes recorded for Westmoor Teaching School Hub")
    # One released on its own page: then their period is closed without an outcome, and another body may claim.
    hana.goto("/appropriate-body/teachers/2800013")
    hana.click("Release Emmy Bulk")
    hana.press("Release ECT")
    assert hana.errors() == {"Enter the end date": "#finished_on-day", "Enter the number of terms": "#number_of_terms"}
    hana.fill_date("finished_on", date.today() - timedelta(days=1))
    hana.fill("Number of terms", "1.5")
    hana.press("Release ECT")
    hana.expect_text("Emmy Bulk has been released")
    assert hana.sees("Released (no outcome)")
    hana.goto("/appropriate-body/teachers/2800013/outcome/pass")
    hana.expect_h1("There is no open induction period")
    claim(hana, "2800013", body=KINGSBRIDGE, started=date.today())  # the day after the released period ended
    hana.goto("/appropriate-body/teachers?status=closed")
    assert hana.sees("Mary Bulk") and hana.sees("Ida Bulk")
