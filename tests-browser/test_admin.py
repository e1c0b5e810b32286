"""The DfE admin console in the browser, as DfE staff (sam@education.gov.uk) use it: changes outside the edit rules'
windows wait in one manual-handling list where staff settle them; staff act for a school (the banner on every page,
the audit naming both); the "try a change" form agrees with the evaluate endpoint for every rule; reopening and
exemptions; scenario settings with one-click sign-in; and nobody else reaches any of it. Every admin form refuses
bad input with an error summary and changes nothing, and a form without its CSRF token changes nothing."""
from datetime import date, timedelta

import requests

from journeys import DOB, START, api, register_an_ect, seed
from system import eventually
from test_appropriate_body import HANA, KINGSBRIDGE, WESTMOOR, claim, fail_and_appeal, trs_statuses, work_as

SAM = "sam@education.gov.uk"
OAKFIELD = "Oakfield Primary School"
REASON = "Ticket SUP-3141: Oakfield asked for help registering an ECT"


def get(system, path: str, email: str = SAM, **params):
    answer = requests.get(f"{system.gateway}{path}", params=params, headers=api(system, email), timeout=10)
    answer.raise_for_status()
    return answer.json()


def banner_on_every_page(user, organisation: str) -> list[tuple[str, bool]]:
    """From now on, note for every page the person lands on whether the acting banner names the organisation and
    offers to stop."""
    seen, original = [], user.check

    def check():
        fresh = user._fresh
        original()
        if fresh:
            banner = user.page.get_by_test_id("acting-banner")
            text = banner.inner_text() if banner.count() else ""
            seen.append((user.page.url, f"You are acting for {organisation}" in text
                         and f"Stop acting for {organisation}" in text and REASON in text))

    user.check = check
    return seen


def late_appeal(people, system, trn: str, first: str, last: str) -> None:
    """Hana claims the ECT for Westmoor, records a fail 40 days ago, then their appeal: too late, so it waits for DfE."""
    seed(system, trn, first, last)
    hana = people(HANA)
    work_as(hana, "blended")
    claim(hana, trn, body=WESTMOOR)
    hana.goto(f"/appropriate-body/teachers/{trn}")
    fail_and_appeal(hana, date.today() - timedelta(days=40), "3")
    hana.expect_h1("We have sent this to DfE to handle")


def test_out_of_window_changes_wait_in_the_consoles_manual_queue_where_staff_settle_them(people, system):
    late_appeal(people, system, "2810001", "Late", "Appeal")
    # A change TRS refuses: a school registers a teacher TRS holds no QTS for.
    person = {"trn": "2810002", "firstName": "Nora", "lastName": "Noqts", "dateOfBirth": DOB.isoformat()}
    system.seed_trs(person)
    registered = requests.post(f"{system.gateway}/registrations/ects", headers=api(system, "alice@oakfield.example"),
                               timeout=10, json={
                                   "trn": "2810002", "date_of_birth": DOB.isoformat(), "started_on": START.isoformat(),
                                   "email": "nora@oakfield.example", "working_pattern": "full_time",
                                   "training_programme": "school_led", "appropriate_body_id": system.org("ab-1"),
                                   "cohort": 2026})
    assert registered.status_code == 201, registered.text
    eventually(lambda: get(system, "/trs-sync/manual-handling", trn="2810002", state="open"), timeout=30)

    sam = people(SAM)
    sam.expect_h1("DfE admin console")
    sam.screenshot("admin-home")
    sam.click("Manual handling")
    sam.expect_h1("Manual handling")
    assert sam.sees("Change outside the time allowed") and sam.sees("TRN 2810001")
    assert sam.sees("This must happen within 30 days of the outcome")
    assert sam.sees("Change TRS did not take") and sam.sees("TRN 2810002")
    assert sam.sees("The teacher does not have QTS in TRS (TRS error 10034")
    sam.screenshot("admin-manual-handling")

    # inductions' item: its evidence, then closed with a note (none first: refused, still open).
    sam.click("Change outside the time allowed for TRN 2810001")
    sam.expect_h1("Change outside the time allowed")
    assert sam.sees("Lodge an appeal") and sam.sees("hana@hubs.example") and sam.sees(WESTMOOR)
    sam.press("Close item")
    assert sam.errors() == {"Enter a note saying how this was settled": "#note"}
    sam.screenshot("admin-manual-item-errors")
    [item] = get(system, "/inductions/manual-handling", trn="2810001")
    assert item["state"] == "open"
    sam.fill("How was it settled?", "Appeal accepted late by DfE: ticket SUP-77")
    sam.press("Close item")
    sam.expect_text("The item has been closed with your note.")
    assert sam.sees("Closed with the note") and sam.sees("Appeal accepted late by DfE: ticket SUP-77")
    sam.screenshot("admin-manual-item-closed")
    assert get(system, "/inductions/manual-handling", trn="2810001")[0]["state"] == "closed"

    # trs-sync's item: sent again while TRS still lacks the QTS (still open), then once TRS is put right.
    sam.goto("/admin/manual-handling")
    assert not sam.sees("TRN 2810001")
    sam.click("Change TRS did not take for TRN 2810002")
    sam.expect_h1("Change TRS did not take")
    assert sam.sees("Evidence: attempts to send to TRS") and sam.sees("10034")
    sam.screenshot("admin-manual-item-trs")
    sam.press("Send to TRS again")
    sam.expect_text("TRS did not take the change this time")
    system.seed_trs({**person, "qtsDate": "2026-07-15"})
    sam.press("Send to TRS again")
    sam.expect_text("The change was sent again and the item is resolved.")
    assert [p["body"]["status"] for p in system.trs_puts("2810002") if p["status"] == 204] == ["RequiredToComplete"]
    sam.goto("/admin/manual-handling")
    assert not sam.sees("TRN 2810002")
    sam.click("Settled")
    assert sam.sees("TRN 2810001") and sam.sees("TRN 2810002")
    sam.screenshot("admin-manual-handling-settled")

    # The closing is in the teacher's timeline, with the note.
    sam.goto("/admin/teachers/2810001")
    assert sam.sees("Manual-handling item closed") and sam.sees("Note: Appeal accepted late by DfE: ticket SUP-77")


def test_staff_act_for_a_school_the_banner_is_on_every_page_and_the_audit_names_both(people, system):
    seed(system, "2810011", "Acted", "Upon")
    sam = people(SAM)
    sam.fill("URN or school name", "100001")
    sam.press("Find school")
    sam.expect_h1("Find a school or organisation")
    sam.click(OAKFIELD)
    sam.expect_h1(OAKFIELD)
    sam.press(f"Act for {OAKFIELD}")
    assert sam.errors() == {f"Enter why you are acting for {OAKFIELD}": "#reason"}
    sam.fill("Why are you acting for them?", "abc")
    sam.press(f"Act for {OAKFIELD}")
    assert sam.errors() == {"Reason must be 5 characters or more": "#reason"}
    sam.screenshot("admin-act-for-errors")
    assert sam.page.get_by_test_id("acting-banner").count() == 0

    seen = banner_on_every_page(sam, OAKFIELD)
    sam.fill("Why are you acting for them?", REASON)
    sam.press(f"Act for {OAKFIELD}")
    sam.expect_h1("Early career teachers")
    sam.expect_text(f"You are now acting for {OAKFIELD}")
    sam.screenshot("admin-acting-school-ects")
    for link, heading in (("Mentors", "Mentors"), ("School users", "School users"), ("Contacts", "Contacts"),
                          ("Settings", "Settings"), ("DfE admin", f"You are acting for {OAKFIELD}")):
        sam.click(link, exact=True)
        sam.expect_h1(heading)
    sam.screenshot("admin-acting-console-waits")
    register_an_ect(sam, "2810011", "acted.upon@oakfield.example", provider_led=False, screenshots="admin-acting-register")
    sam.goto("/school/ects")
    assert sam.sees("Acted Upon")
    assert len(seen) >= 15 and all(ok for _, ok in seen), [url for url, ok in seen if not ok]

    # registrations recorded the registration as Sam acting for Oakfield, with the reason.
    [ect] = get(system, "/registrations/ects", q="2810011")
    [entry] = [e for e in get(system, "/registrations/audit", subject=ect["teacher_id"]) if e["action"] == "ect_registered"]
    assert entry["actor"]["type"] == "staff" and entry["actor"]["email"] == SAM
    assert entry["actor"]["organisation_id"] == system.org("school-1") and entry["acting_for_reason"] == REASON
    assert ect["registered_by"]["email"] == SAM

    sam.press(f"Stop acting for {OAKFIELD}")
    sam.expect_h1("DfE admin console")
    sam.expect_text(f"You have stopped acting for {OAKFIELD}.")
    assert sam.page.get_by_test_id("acting-banner").count() == 0
    sam.fill("TRN or name", "2810011")
    sam.press("Find teacher")
    sam.click("Acted Upon")
    sam.expect_h1("Acted Upon")
    sam.expect_text(f"{SAM}), DfE staff, acting for {OAKFIELD} (reason: {REASON})")
    assert sam.sees("Registered as an ECT")
    sam.screenshot("admin-teacher-timeline")
    accounts_audit = get(system, "/accounts/audit")
    assert {"staff_acting_started", "staff_acting_ended"} <= {e["action"] for e in accounts_audit
                                                            if e["actor"]["email"] == SAM}


def _question(spec: dict, outcome_on: date | None) -> dict:
    """What the form asks the endpoint for a rule's row (the form's own mapping, written out)."""
    body = {"field": spec["field"], "actor": spec["actor"], "written_by_cpd": True}
    if outcome_on:
        body.update(outcome_on=outcome_on.isoformat(), appeal_lodged_on=outcome_on.isoformat())
    today = date.today().isoformat()
    if spec["field"] == "status":
        body.update({"from": spec["state"], "to": spec["change"]})
    elif spec["field"] == "exemption":
        body.update({"status": spec["state"], "from": spec["change"] == "remove", "to": spec["change"] == "grant"})
    else:
        body.update({"status": spec["state"], "from": None if spec["change"] == "set" else today,
                     "to": today if spec["change"] == "set" else None})
    return body


def test_try_a_change_agrees_with_the_evaluate_endpoint_for_every_row_of_the_rules_table(people, system):
    sam = people(SAM)
    sam.click("Edit rules")
    sam.expect_h1("Edit rules")
    sam.screenshot("admin-edit-rules")
    rows = sam.page.locator("[data-testid='rules-table'] tbody tr").all()
    specs = [{**{k: row.get_attribute(f"data-{k}") for k in ("rule", "field", "state", "change", "actor")},
              "href": row.get_by_role("link").get_attribute("href")} for row in rows]
    table = get(system, "/trs-sync/edit-rules")
    assert [s["rule"] for s in specs] == [r["name"] for r in table["rules"]] and len(specs) > 10
    staff = api(system, SAM)
    ten_days_ago = date.today() - timedelta(days=10)
    verdicts = set()
    for number, spec in enumerate(specs):
        sam.goto(spec["href"])
        sam.expect_h1("Try a change")
        outcome_on = ten_days_ago if number % 2 == 0 else None  # half of them with the anchors in their windows
        if outcome_on:
            sam.fill_date("outcome_on", outcome_on)
            sam.fill_date("appeal_lodged_on", outcome_on)
        sam.press("Try this change")
        expected = requests.post(f"{system.gateway}/trs-sync/edit-rules/evaluate", json=_question(spec, outcome_on),
                                 headers=staff, timeout=10).json()
        verdict = sam.page.get_by_test_id("verdict")
        assert (verdict.get_attribute("data-outcome"), verdict.get_attribute("data-rule")) == (
            expected["outcome"], expected["rule"] or ""), (spec, expected)
        assert expected["message"] in verdict.inner_text()
        if expected["rule"]:
            assert f"Decided by rule {expected['rule']}" in sam.page.get_by_test_id("verdict-rule").inner_text()
        verdicts.add(expected["outcome"])
        if number == 0:
            sam.screenshot("admin-try-a-change")
    assert {"allowed", "manual_handling"} <= verdicts

    # Bad answers: an error summary, and nothing asked.
    sam.goto("/admin/edit-rules/try")
    sam.page.get_by_label("What is changed").select_option("start_date")
    sam.page.get_by_label("The change", exact=True).select_option("Passed")
    sam.page.locator("input[name='today-day']").fill("31")
    sam.page.locator("input[name='today-month']").fill("2")
    sam.page.locator("input[name='today-year']").fill("2026")
    sam.page.get_by_label("No", exact=True).check()
    sam.press("Try this change")
    assert sam.errors() == {"Select who makes the change": "#actor",
                            "Select the induction status before the change": "#state",
                            "Select set or clear: a change to a date sets or clears it": "#change",
                            "Date of the change must be a real date": "#today-day"}
    assert sam.page.get_by_test_id("verdict").count() == 0
    sam.screenshot("admin-try-a-change-errors")


def test_staff_reopen_an_induction_and_record_an_exemption_with_a_note_or_ticket(people, system):
    seed(system, "2810021", "Reo", "Pened")
    seed(system, "2810022", "Exa", "Empted")
    body = api(system, HANA, "ab-1")
    for trn in ("2810021", "2810022"):
        claimed = requests.post(f"{system.gateway}/inductions/claims", headers=body, timeout=10, json={
            "trn": trn, "date_of_birth": DOB.isoformat(), "started_on": START.isoformat(),
            "training_programme": "school_led", "appropriate_body_id": system.org("ab-1")})
        assert claimed.status_code == 201, claimed.text
    passed = requests.post(f"{system.gateway}/inductions/ects/2810021/outcome", headers=body, timeout=10, json={
        "outcome": "pass", "finished_on": date.today().isoformat(), "number_of_terms": 6,
        "appropriate_body_id": system.org("ab-1")})
    assert passed.status_code == 200, passed.text

    sam = people(SAM)
    sam.fill("TRN or name", "pened")
    sam.press("Find teacher")
    sam.screenshot("admin-find-teacher")
    sam.click("Reo Pened")
    assert sam.page.get_by_test_id("induction-status").inner_text() == "Passed"
    sam.click("Reopen this induction")
    sam.expect_h1("Reopen this induction")
    sam.press("Reopen induction")
    assert sam.errors() == {"Enter a note or a support ticket reference": "#note"}
    sam.fill("Support ticket reference", "S" * 101)
    sam.press("Reopen induction")
    assert sam.errors() == {"Support ticket reference must be 100 characters or fewer": "#support_ticket"}
    sam.screenshot("admin-reopen-errors")
    assert get(system, "/inductions/teachers/2810021/induction")["status"] == "Passed"
    sam.fill("Support ticket reference", "SUP-4242")
    sam.fill("Note", "The pass was recorded in error")
    sam.press("Reopen induction")
    sam.expect_text("Reo Pened's induction has been reopened")
    assert sam.page.get_by_test_id("induction-status").inner_text() == "In progress"
    assert sam.sees("Reopened by DfE staff") and sam.sees("Support ticket: SUP-4242")
    eventually(lambda: trs_statuses(system, "2810021")[-2:] == ["Passed", "InProgress"], timeout=30)

    sam.goto("/admin/teachers/2810022")
    sam.click("Record an exemption")
    sam.expect_h1("Record an exemption")
    sam.press("Record exemption")
    assert sam.errors() == {"Select why they are exempt": "#reason", "Enter the number of terms": "#number_of_terms",
                            "Enter a note or a support ticket reference": "#note"}
    sam.screenshot("admin-exemption-errors")
    assert get(system, "/inductions/teachers/2810022/induction")["status"] == "InProgress"
    sam.choose("Overseas trained teacher with QTS awarded through recognition")
    sam.fill("Number of terms", "1.5")
    sam.fill("Note", "Recognition letter checked")
    sam.press("Record exemption")
    sam.expect_text("An exemption has been recorded for Exa Empted")
    assert sam.page.get_by_test_id("induction-status").inner_text() == "Exempt"
    assert sam.sees("Exemption recorded") and sam.sees("Note: Recognition letter checked")
    sam.screenshot("admin-teacher-exempt")


def test_scenario_settings_load_one_then_sign_in_as_its_persona_in_one_click(people):
    sam = people(SAM)
    sam.click("Scenario settings")
    sam.expect_h1("Scenario settings")
    sam.screenshot("admin-scenarios")
    sam.page.evaluate("document.getElementById('load-school-with-3-users').form.elements.name.value = 'no-such'")
    sam.page.locator("[id='load-school-with-3-users']").click()
    sam.page.wait_for_load_state()
    sam.check()
    assert sam.errors() == {"Choose a scenario to load": "#load-provider-user-with-5-organisations"}
    sam.page.locator("[id='load-provider-user-with-5-organisations']").click()
    sam.page.wait_for_load_state()
    sam.check()
    sam.expect_h1("Provider user with access to 5 organisations")
    assert sam.sees("Northgate Teaching School Hub") and sam.sees("Lakeside Delivery Partnership")
    sam.screenshot("admin-scenario-loaded")
    sam.page.locator("button[id^='sign-in-pat.provider.']").click()
    sam.page.wait_for_load_state()
    sam.check()
    sam.expect_h1("Which organisation do you want to work as?")  # Pat works for 5 organisations: hat mode asks
    assert sam.sees("Northgate Teaching School Hub") and sam.sees("Compass Teacher Development")
    assert sam.page.get_by_role("link", name="DfE admin").count() == 0  # no longer signed in as staff


def test_admin_pages_are_refused_to_everyone_but_dfe_staff_with_nothing_shown(people, system):
    seed(system, "2810031", "Secret", "Teacher")
    alice = people("alice@oakfield.example")
    assert alice.page.get_by_role("link", name="DfE admin").count() == 0
    for path in ("/admin", "/admin/teachers?q=2810001", "/admin/teachers/2810001", "/admin/manual-handling",
                 "/admin/edit-rules", "/admin/edit-rules/try", "/admin/scenarios",
                 f"/admin/organisations/{system.org('school-2')}", "/admin/teachers/2810021/reopen"):
        assert alice.goto(path).status == 403, path
        alice.expect_h1("You cannot do this")
        assert alice.sees("Only DfE staff can use the admin console")
        assert not alice.sees("Riverside") and not alice.sees("Late Appeal") and not alice.sees("Manual handling")
    alice.screenshot("admin-refused")
    hana = people(HANA)
    work_as(hana, "hat", KINGSBRIDGE)
    assert hana.goto("/admin/manual-handling").status == 403
    hana.expect_h1("You cannot do this")
    nobody = people()
    nobody.goto("/admin/manual-handling")
    nobody.expect_h1("Register early career teachers")  # signed out: the start page, then back here once signed in


def test_bad_searches_and_forms_without_their_csrf_token_change_nothing(people, system):
    sam = people(SAM)
    sam.goto("/admin/teachers")
    sam.fill("TRN or name", "x" * 101)
    sam.press("Find teacher")
    assert sam.errors() == {"Search for a TRN or a name of 100 characters or fewer": "#q"}
    sam.goto("/admin/organisations")
    sam.fill("URN, UKPRN or name", "x" * 201)
    sam.press("Find")
    assert sam.errors() == {"Search for a URN, UKPRN or name of 200 characters or fewer": "#q"}
    sam.screenshot("admin-find-organisation-errors")

    # Acting for a school from a form without its CSRF token: refused, and Sam is acting for nobody.
    sam.goto(f"/admin/organisations/{system.org('school-3')}")
    sam.fill("Why are you acting for them?", "Forged request from elsewhere")
    sam.page.evaluate("document.querySelector('main input[name=csrf_token]').remove()")
    sam.press("Act for Hillside Primary School")
    sam.expect_h1("Your form was not sent")
    sam.goto("/admin")
    sam.expect_h1("DfE admin console")
    assert sam.page.get_by_test_id("acting-banner").count() == 0

    # Closing an item the same way: refused, still open.
    late_appeal(people, system, "2810041", "Still", "Open")
    [item] = get(system, "/inductions/manual-handling", trn="2810041")
    sam.goto(f"/admin/manual-handling/inductions/{item['id']}")
    sam.fill("How was it settled?", "Forged")
    sam.page.evaluate("document.querySelector('main input[name=csrf_token]').remove()")
    sam.press("Close item")
    sam.expect_h1("Your form was not sent")
    assert get(system, "/inductions/manual-handling", trn="2810041")[0]["state"] == "open"


def test_finance_marks_a_payable_statement_paid_and_other_staff_only_read_it(people, system):
    import subprocess
    import sys

    system.add_delivery_partner("lp-1", "dp-1", 2026)  # Northern Lights works in 2026: it has the cohort's statements
    fiona = "fiona@education.gov.uk"
    [first, *_] = get(system, "/lp-api/finance/statements", fiona, cohort=2026, lead_provider_id=system.org("lp-1"))
    after = (date.fromisoformat(first["cut_off_date"]) + timedelta(days=1)).isoformat()
    subprocess.run([sys.executable, "-m", "lp_api", "close-statements", "--as-of", after, "--by", "browser tests"],
                   env=system.env, check=True, capture_output=True)
    title = f"{first['month']} {first['year']} statement"

    finance = people(fiona)
    finance.goto("/admin")
    finance.click("Statements")
    finance.expect_h1("Statements")
    finance.fill("Cohort", "twenty")
    finance.press("Show statements")
    assert finance.errors() == {"Enter a cohort as a year, like 2025": "#cohort"}
    finance.goto("/admin/statements?status=payable&cohort=2026")
    finance.screenshot("admin-statements")
    finance.goto(f"/admin/statements/{first['id']}")
    finance.expect_h1(title)
    finance.press("Mark statement paid")
    assert finance.errors() == {"Confirm that the statement has been paid": "#confirm"}
    finance.page.get_by_label("I confirm that", exact=False).check()
    finance.press("Mark statement paid")
    finance.expect_text(f"Northern Lights Teaching's {title} has been marked paid")
    assert finance.page.get_by_test_id("statement-status").inner_text() == "Paid"
    finance.screenshot("admin-statement-paid")
    paid = get(system, f"/lp-api/finance/statements/{first['id']}", fiona)
    assert (paid["status"], paid["paid_by"]["email"]) == ("paid", fiona)

    # Nobody outside DfE reaches a statement.
    alice = people("alice@oakfield.example")
    assert alice.goto(f"/admin/statements/{first['id']}").status == 403
    assert not alice.sees(title)
