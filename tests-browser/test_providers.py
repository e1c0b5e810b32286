"""The delivery partner and lead provider pages in the browser, on the local run's demo partnerships (Northern Lights
Teaching partners Oakfield and Brightside Learning partners Riverside, both for 2026 through Delta Partners): a
delivery partner sees both lead providers' schools and participants with a filter by lead provider, and its CSV
download holds exactly the filtered participants; a lead provider user never sees another lead provider's, and ids
of what is not theirs in the URL give the not-found or forbidden page; one journey with JavaScript off."""
import csv

import pytest
import requests

from journeys import api, seed
from system import eventually, stack

DANA, LEO, PRIYA = "dana@deltapartners.example", "leo@northernlights.example", "priya@providers.example"
START = "2026-09-01"
# (TRN, first name, last name, school key, persona registering, lead provider key, ECT or mentor)
PEOPLE = [("2900001", "Ada", "Lovelace", "school-1", "alice@oakfield.example", "lp-1", "ect"),
          ("2900002", "Grace", "Brewster", "school-1", "alice@oakfield.example", "lp-1", "ect"),
          ("2900003", "Mary", "Somerville", "school-1", "alice@oakfield.example", "lp-1", "mentor"),
          ("2900004", "Rosalind", "Franklin", "school-2", "sasha@trust.example", "lp-2", "ect"),
          ("2900005", "Dorothy", "Hodgkin", "school-2", "sasha@trust.example", "lp-2", "mentor")]
NORTHERN = {p[0] for p in PEOPLE if p[5] == "lp-1"}
BRIGHTSIDE = {p[0] for p in PEOPLE if p[5] == "lp-2"}


@pytest.fixture(scope="module")
def partnered(system):
    """The demo partnerships as `make up` makes them, and ECTs and mentors trained through each."""
    stack.partner_demo(system.cfg, system.demo)
    for trn, first, last, school, persona, lead_provider, kind in PEOPLE:
        seed(system, trn, first, last)
        body = {"trn": trn, "date_of_birth": "1995-03-14", "started_on": START, "email": f"{first.lower()}@school.example",
                "lead_provider_id": system.org(lead_provider), "cohort": 2026, "school_id": system.org(school)}
        if kind == "ect":
            body.update(working_pattern="full_time", training_programme="provider_led")
        answer = requests.post(f"{system.gateway}/registrations/{kind}s", json=body, timeout=20,
                               headers=api(system, persona, school))
        assert answer.status_code == 201, answer.text
    dana = api(system, DANA)

    def all_there():
        r = requests.get(f"{system.gateway}/lp-api/delivery-partner/participants", headers=dana, timeout=10)
        return r.status_code == 200 and {p["trn"] for p in r.json()} >= NORTHERN | BRIGHTSIDE and r.json()

    eventually(all_there, timeout=60, interval=0.5)
    partnerships = requests.get(f"{system.gateway}/lp-api/delivery-partner/partnerships", headers=dana, timeout=10).json()
    return {p["school_name"]: p["id"] for p in partnerships}


def listed(system, email: str, side: str, **filters) -> set[str]:
    """What lp-api lists for this person (the truth the pages must show: other tests may add participants too)."""
    answer = requests.get(f"{system.gateway}/lp-api/{side}/participants", params={**filters, "page_size": 1000},
                          headers=api(system, email), timeout=10)
    assert answer.status_code == 200, answer.text
    return {p["trn"] for p in answer.json()}


def trns_on_page(user) -> set[str]:
    table = user.page.get_by_test_id("participants")
    if not table.count():
        return set()
    return {line.split("TRN ")[1][:7] for line in table.inner_text().splitlines() if "TRN " in line}


def download(user, tmp_path) -> list[dict]:
    with user.page.expect_download() as arrived:
        user.page.get_by_test_id("download-csv").click()
    path = tmp_path / arrived.value.suggested_filename
    arrived.value.save_as(path)
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_delivery_partners_csv_download_holds_exactly_the_filtered_participants(people, system, partnered, tmp_path):
    dana = people(DANA)
    dana.expect_h1("Partnered schools")  # where a delivery partner's user starts
    assert dana.sees("Oakfield Primary School") and dana.sees("Riverside Academy")
    assert dana.sees("Northern Lights Teaching") and dana.sees("Brightside Learning")
    dana.screenshot("dp-schools")
    dana.click("Oakfield Primary School")
    dana.expect_h1("Oakfield Primary School")
    assert dana.sees("office@oakfield.example")  # the school's contacts as the lead provider API sends them
    dana.screenshot("dp-school")

    dana.click("Participants", exact=True)
    dana.expect_h1("Participants")
    everyone = listed(system, DANA, "delivery-partner")
    assert trns_on_page(dana) == everyone and everyone >= NORTHERN | BRIGHTSIDE
    every_row = [r["trn"] for r in download(dana, tmp_path)]
    assert set(every_row) == everyone and len(every_row) == len(everyone)
    dana.choose("Northern Lights Teaching")
    dana.choose("ECTs")
    dana.press("Apply filters")
    ects = listed(system, DANA, "delivery-partner", lead_provider_id=system.org("lp-1"), participant_type="ect")
    assert {p[0] for p in PEOPLE if p[5] == "lp-1" and p[6] == "ect"} <= ects
    assert not ects & (BRIGHTSIDE | {"2900003"})
    assert trns_on_page(dana) == ects and dana.sees(f"{len(ects)} participants")
    dana.screenshot("dp-participants-filtered")
    rows = download(dana, tmp_path)
    assert {r["trn"] for r in rows} == ects and len(rows) == len(ects)
    assert {(r["participant_type"], r["lead_provider_name"], r["delivery_partner_name"]) for r in rows} == {
        ("ect", "Northern Lights Teaching", "Delta Partners")}
    assert all(r["induction_status"] for r in rows)  # each ECT's induction, as inductions announced it
    dana.fill("Name or TRN", "Lovelace")
    dana.press("Apply filters")
    assert [r["trn"] for r in download(dana, tmp_path)] == ["2900001"]


def test_a_delivery_partner_sees_every_lead_provider_and_filters_by_one(people, system, partnered):
    dana = people(DANA)
    dana.click("Participants", exact=True)
    assert dana.sees("All lead providers")
    dana.choose("Brightside Learning")
    dana.press("Apply filters")
    assert trns_on_page(dana) == BRIGHTSIDE
    assert "Riverside Academy" in (table := dana.page.get_by_test_id("participants").inner_text()) and "Oakfield" not in table
    dana.screenshot("dp-participants-by-lead-provider")
    dana.page.get_by_role("link", name="Remove this filter Brightside Learning").click()
    dana.check()
    assert trns_on_page(dana) == listed(system, DANA, "delivery-partner")
    dana.goto("/delivery-partner/schools?cohort=2026")
    dana.choose("Northern Lights Teaching")
    dana.press("Apply filters")
    schools_table = dana.page.locator("main table").inner_text()
    assert "Oakfield Primary School" in schools_table and "Riverside Academy" not in schools_table

    # Hat mode: Priya works for five organisations; as Delta Partners she sees just Delta Partners' pages.
    priya = people(PRIYA)
    priya.choose("Delta Partners")
    priya.press("Continue")
    priya.expect_h1("Partnered schools")
    assert priya.page.get_by_test_id("organisation-name").inner_text() == "Delta Partners"
    assert priya.sees("Oakfield Primary School") and priya.sees("Riverside Academy")
    priya.goto("/appropriate-body/teachers")
    priya.expect_h1("This page is for appropriate bodies")
    priya.goto("/delivery-partner/participants")
    assert trns_on_page(priya) == listed(system, DANA, "delivery-partner")


def test_a_lead_provider_user_never_sees_another_lead_providers_participants(people, system, partnered, tmp_path):
    leo = people(LEO)
    leo.expect_h1("Partnered schools")
    assert leo.sees("Oakfield Primary School") and not leo.sees("Riverside Academy")
    leo.screenshot("lp-schools")
    leo.click("Participants", exact=True)
    theirs = listed(system, LEO, "lead-provider")
    assert NORTHERN <= theirs and not theirs & BRIGHTSIDE
    assert trns_on_page(leo) == theirs
    assert {r["trn"] for r in download(leo, tmp_path)} == theirs
    leo.screenshot("lp-participants")

    riverside = partnered["Riverside Academy"]
    brightside, other_partner = system.org("lp-2"), system.org("dp-1")
    refused = {
        f"/lead-provider/schools/{riverside}": "Page not found",  # Brightside's partnership
        "/lead-provider/schools/not-an-id": "Page not found",
        f"/lead-provider/participants?school={system.org('school-2')}": "Page not found",
        "/lead-provider/participants?delivery_partner=00000000-0000-0000-0000-000000001234": "Page not found",
        f"/lead-provider/participants?lead_provider={brightside}": "You cannot do this",
        f"/lead-provider/participants.csv?lead_provider={brightside}": "You cannot do this",
        f"/lead-provider/schools?lead_provider={brightside}": "You cannot do this",
        f"/delivery-partner/participants?delivery_partner={other_partner}": "This page is for delivery partners",
    }
    for path, heading in refused.items():
        response = leo.goto(path)
        assert response.status in (403, 404), path
        leo.expect_h1(heading)
        content = leo.page.content()
        assert not any(trn in content for trn in BRIGHTSIDE) and "Riverside" not in content, path
    leo.screenshot("lp-tampered")


def test_a_lead_provider_filters_its_participants_with_javascript_off(people, system, partnered):
    leo = people(LEO, javascript=False)
    leo.goto("/lead-provider/participants")
    leo.page.get_by_label("School", exact=True).select_option(label="Oakfield Primary School (100001)")
    leo.page.get_by_label("Cohort", exact=True).select_option(label="2026")
    leo.choose("Mentors")
    leo.press("Apply filters")
    mentors = listed(system, LEO, "lead-provider", school_id=system.org("school-1"), cohort=2026,
                     participant_type="mentor")
    assert "2900003" in mentors and trns_on_page(leo) == mentors and leo.sees("Not applicable")
    leo.choose("ECTs and mentors")
    leo.choose("Withdrawn")
    leo.press("Apply filters")
    assert trns_on_page(leo) == set() and leo.sees("No participants match these filters")
    leo.click("Clear filters")
    assert trns_on_page(leo) == listed(system, LEO, "lead-provider")
    leo.click("Schools", exact=True)
    leo.click("Oakfield Primary School")
    leo.expect_h1("Oakfield Primary School")
    leo.page.locator(".govuk-summary-list a").first.click()  # "N participants"
    leo.check()
    assert trns_on_page(leo) == listed(system, LEO, "lead-provider", school_id=system.org("school-1"), cohort=2026)
    leo.screenshot("lp-participants-no-js")
