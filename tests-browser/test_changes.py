"""Changing an ECT's or a mentor's details, and reporting that one is leaving: edit → check → confirmation."""
from datetime import date

from journeys import START, ects, register_an_ect, seed


def change(user, row: str, *, then=None) -> None:
    user.page.get_by_role("link", name=f"Change {row}").click()
    user.page.wait_for_load_state()
    user.check()
    if then:
        then()
    user.press("Continue")


def test_a_school_changes_an_ects_details_one_at_a_time(people, system):
    seed(system, "2500001", "Lise", "Meitner")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2500001", "lise@oakfield.example")
    alice.click("View Lise Meitner's details")
    page_url = alice.page.url

    change(alice, "email address", then=lambda: alice.fill(alice.h1, "lise@oakfield.example"))
    assert alice.errors() == {"Enter an email address that is different from the current one": "#email"}
    alice.fill(alice.h1, "l.meitner@oakfield.example")
    alice.press("Continue")
    alice.expect_h1("Check the new email address for Lise Meitner")
    assert alice.sees("lise@oakfield.example") and alice.sees("l.meitner@oakfield.example")
    alice.press("Confirm change")
    alice.expect_h1("Email address changed")
    alice.click("View Lise Meitner's details")

    change(alice, "working pattern", then=lambda: alice.choose("Part time"))
    alice.press("Confirm change")
    alice.expect_h1("Working pattern changed")
    alice.goto(page_url.replace(system.gateway, ""))

    change(alice, "appropriate body", then=lambda: alice.choose("Westmoor Teaching School Hub"))
    alice.press("Confirm change")
    alice.goto(page_url.replace(system.gateway, ""))

    change(alice, "lead provider", then=lambda: alice.choose("Brightside Learning"))
    alice.expect_h1("Check the new lead provider")
    alice.press("Confirm change")
    alice.goto(page_url.replace(system.gateway, ""))

    change(alice, "training programme", then=lambda: alice.choose("School-led"))
    alice.press("Confirm change")
    alice.expect_h1("Training programme changed")
    alice.goto(page_url.replace(system.gateway, ""))
    lise = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2500001")
    assert (lise["email"], lise["working_pattern"], lise["appropriate_body_name"], lise["training_programme"]) == (
        "l.meitner@oakfield.example", "part_time", "Westmoor Teaching School Hub", "school_led")
    assert alice.sees("l.meitner@oakfield.example") and alice.sees("Part time") and alice.sees("School-led")

    change(alice, "name", then=lambda: alice.fill("First name", "Elise"))
    alice.press("Confirm change")
    alice.expect_h1("Name changed")
    alice.goto(page_url.replace(system.gateway, ""))
    alice.expect_h1("Elise Meitner")


def test_reporting_that_an_ect_is_leaving(people, system):
    seed(system, "2500002", "Marie", "Curie")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2500002", "marie@oakfield.example")
    alice.click("View Marie Curie's details")
    alice.click("Report that Marie Curie is leaving your school")
    alice.fill_date("finished_on", date(2026, 8, 1))
    alice.press("Continue")
    assert alice.errors() == {"Leaving date must be on or after 1 September 2026": "#finished_on-day"}
    alice.fill_date("finished_on", date(2027, 7, 20))
    alice.press("Continue")
    alice.expect_h1("Check that Marie Curie is leaving your school")
    alice.screenshot("leaving-check")
    alice.press("Confirm that they are leaving")
    alice.expect_h1("Leaving date recorded")
    alice.click("View Marie Curie's details")
    assert alice.sees("20 July 2027") and alice.sees("Leaving")
    marie = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2500002")
    assert marie["finished_on"] == "2027-07-20"


def test_changing_an_ects_mentor(people, system):
    seed(system, "2500003", "Chien-Shiung", "Wu")
    seed(system, "2500004", "Barbara", "McClintock")
    seed(system, "2500005", "Rachel", "Carson")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2500003", "wu@oakfield.example")
    for trn, email in (("2500004", "barbara@oakfield.example"), ("2500005", "rachel@oakfield.example")):
        alice.goto("/school/mentors")
        alice.click("Register a mentor")
        alice.press("Continue")
        alice.fill("Teacher reference number (TRN)", trn)
        alice.fill_date("date_of_birth", date(1995, 3, 14))
        alice.press("Continue")
        alice.press("Confirm and continue")
        alice.fill(alice.h1, email)
        alice.press("Continue")
        alice.fill_date("started_on", START)
        alice.press("Continue")
        alice.choose("Northern Lights Teaching")
        alice.press("Continue")
        alice.press("Confirm details")
        alice.expect_h1("Mentor registered")
    alice.goto("/school/ects?q=2500003")
    alice.click("Chien-Shiung Wu")
    alice.click("Assign a mentor")
    alice.press("Continue")
    assert alice.errors() == {"Select a mentor for Chien-Shiung Wu": "#mentor_id"}
    alice.choose("Barbara McClintock")
    alice.press("Continue")
    alice.press("Assign mentor")
    alice.expect_h1("Mentor assigned")
    alice.click("View Chien-Shiung Wu's details")
    alice.page.get_by_role("link", name="Change mentor").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.choose("Rachel Carson")
    alice.press("Continue")
    alice.press("Assign mentor")
    wu = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2500003")
    assert wu["mentor_name"] == "Rachel Carson"
