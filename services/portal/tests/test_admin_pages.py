"""The DfE admin console with the services replaced by a recording fake gateway: only DfE staff reach it (anyone else
gets the 403 page and no service is asked anything), each page renders with one h1, bad input on every form is
shown in an error summary and sends nothing, acting for an organisation shows the banner on every page, and what
the forms send is what the services' endpoints take."""
import re

import pytest

from portal.adapters.gateway import ServiceError
from test_pages import ME as ALICE, FakeGateway, csrf, h1s, signed_in  # noqa: F401

SAM = {"user_id": "33333333-3333-3333-3333-333333333333", "email": "sam@education.gov.uk", "name": "Sam Staff",
       "mode": "hat", "acting_organisation_id": None, "staff_role": "admin"}
SCHOOL = {"id": "s1", "type": "school", "name": "Oakfield Primary School", "urn": "100001", "status": "open",
          "contact_email": "office@oakfield.example", "establishment_type": "Community school", "state_funded": True,
          "eligible": True, "ukprn": None}
AB = {"id": "a1", "type": "appropriate_body", "name": "Kingsbridge Teaching School Hub", "status": "open", "urn": None,
      "ukprn": None}
ADA_ECT = {"id": "e1", "teacher_id": "t1", "trn": "1234567", "first_name": "Ada", "last_name": "Lovelace",
           "school_id": "s1", "started_on": "2026-09-01", "finished_on": None, "status": "current",
           "registered_by": {"name": "Sam Staff", "email": "sam@education.gov.uk"}}
INDUCTION = {"id": "i1", "trn": "1234567", "first_name": "Ada", "last_name": "Lovelace", "status": "Passed",
             "start_date": "2026-09-01", "completed_date": "2026-11-01", "terms_required": "6.0", "extensions": [],
             "appeals": [], "exemption": None,
             "periods": [{"id": "p1", "appropriate_body_id": "a1", "started_on": "2026-09-01", "finished_on": "2026-11-01",
                          "number_of_terms": "6.0", "training_programme": "school_led", "outcome": "pass",
                          "appeal_notice_on": None}]}
IN_ITEM = {"id": "11111111-0000-0000-0000-000000000001", "trn": "1234567", "kind": "outside_window",
           "action": "lodge_appeal", "reason_code": "outside_window",
           "message": "This must happen within 30 days of the outcome.", "state": "open",
           "actor": {"type": "appropriate_body_user", "email": "hana@hubs.example", "name": "Hana Hub", "organisation_id": "a1"},
           "details": {"appropriate_body_id": "a1"}, "created_at": "2026-11-02T10:00:00+00:00", "resolution": None,
           "resolved_at": None, "resolved_by": None}
TRS_ITEM = {"id": 7, "trn": "7654321", "event_id": "e", "old_status": "RequiredToComplete", "status": "InProgress",
            "start_date": "2026-09-01", "completed_date": None, "changed_at": "2026-09-02T10:00:00+00:00",
            "actor_type": "appropriate_body", "kind": "delivery", "error_code": "10034", "detail": "No QTS in TRS",
            "state": "open", "resolution": None, "resolved_at": None, "created_at": "2026-09-02T10:00:01+00:00",
            "appeal_lodged_on": None, "audit": []}
RULES = {"version": "2026-09.1", "fields": ["status", "start_date", "completed_date", "exemption"],
         "actors": ["cpd_console", "trs_console", "appropriate_body", "school", "system"],
         "statuses": ["None", "RequiredToComplete", "InProgress", "Passed", "Failed", "Exempt", "FailedInWales"],
         "cpd_managed_years": 7, "reasons": {},
         "rules": [{"name": "pass", "field": "status", "state": "InProgress", "change": "Passed",
                    "actors": ["appropriate_body"], "windows": [], "description": "The appropriate body records a pass."},
                   {"name": "lodge_appeal", "field": "status", "state": "Failed", "change": "InProgress",
                    "actors": ["cpd_console"], "windows": [{"anchor": "outcome", "days": 30}], "description": "Reopen."}]}


class Gateway(FakeGateway):
    """The fake gateway, also keeping what each call sent."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def call(self, method, path, **kwargs):
        self.sent.append((method, path, kwargs.get("json_body"), kwargs.get("params")))
        return super().call(method, path, **kwargs)


STAFF_ANSWERS = {
    ("GET", "/accounts/me"): SAM, ("GET", "/accounts/me/organisations"): [],
    ("GET", "/accounts/organisations/s1"): SCHOOL, ("GET", "/accounts/organisations/a1"): AB,
    ("GET", "/accounts/organisations"): [SCHOOL],
    ("GET", "/registrations/ects"): [ADA_ECT], ("GET", "/registrations/mentors"): [],
    ("GET", "/inductions/ects"): [INDUCTION], ("GET", "/inductions/teachers/1234567/induction"): INDUCTION,
    ("GET", "/registrations/audit"): [{"id": "x", "at": "2026-09-01T09:00:00+00:00", "action": "ect_registered",
                                       "outcome": "applied", "subject_id": "e1", "teacher_id": "t1", "school_id": "s1",
                                       "actor": {"type": "staff", "email": "sam@education.gov.uk", "name": "Sam Staff",
                                                 "organisation_id": "s1"},
                                       "acting_for_reason": "Ticket 42: the school asked", "details": {}}],
    ("GET", "/inductions/teachers/1234567/audit"): [{"id": "y", "at": "2026-09-02T09:00:00+00:00", "action": "claim",
                                                     "actor": {"type": "appropriate_body_user", "email": "hana@hubs.example",
                                                               "name": "Hana Hub", "organisation_id": "a1"},
                                                     "note": None, "support_ticket": None, "details": {}}],
    ("GET", "/trs-sync/sync-log"): [{"id": 1, "trn": "1234567", "event_id": "e", "outcome": "delivered",
                                     "request_body": {"status": "InProgress"}, "response_status": 204, "error_code": None,
                                     "detail": None, "duration_ms": 3, "at": "2026-09-02T09:00:01+00:00"}],
    ("GET", "/inductions/manual-handling"): [IN_ITEM], ("GET", "/trs-sync/manual-handling"): [TRS_ITEM],
    ("GET", f"/inductions/manual-handling/{IN_ITEM['id']}"): IN_ITEM, ("GET", "/trs-sync/manual-handling/7"): TRS_ITEM,
    ("GET", "/trs-sync/edit-rules"): RULES, ("GET", "/lp-api/finance/statements"): [],
    ("GET", "/accounts/scenarios"): [{"name": "provider-user-with-5-organisations",
                                      "description": "provider user with access to 5 organisations"}],
}
ADMIN_PAGES = ["/admin", "/admin/teachers?q=ada", "/admin/teachers/1234567", "/admin/teachers/1234567/reopen",
               "/admin/teachers/1234567/exemption", "/admin/organisations?q=oak",
               "/admin/organisations/00000000-0000-0000-0000-000000000001",
               "/admin/manual-handling", f"/admin/manual-handling/inductions/{IN_ITEM['id']}",
               "/admin/manual-handling/trs-sync/7", "/admin/edit-rules", "/admin/edit-rules/try", "/admin/scenarios",
               "/admin/statements"]


@pytest.fixture
def app(settings, db):
    from portal.app import create_app

    gateway = Gateway()
    app = create_app(settings.with_overrides(persona_signin_enabled=True), gateway=gateway)
    app.gateway = gateway
    return app


@pytest.fixture
def staff(app):
    app.gateway.answers.update(STAFF_ANSWERS)
    app.gateway.answers[("GET", "/accounts/organisations/00000000-0000-0000-0000-000000000001")] = SCHOOL
    return signed_in(app)


def sent(app, method, path):
    return [body for m, p, body, _ in app.gateway.sent if (m, p) == (method, path)]


def test_admin_pages_are_refused_to_anyone_not_dfe_staff_before_any_service_is_asked(app):
    alice = signed_in(app)
    asked = len(app.gateway.sent)
    for path in ADMIN_PAGES:
        response = alice.get(path)
        assert response.status_code == 403, path
        assert "You cannot do this" in response.text and "Only DfE staff" in response.text and len(h1s(response.text)) == 1
        assert "Lovelace" not in response.text and "DfE admin" not in response.text
    token = csrf(alice, "/admin")  # the 403 page's sign-out form carries one
    for path in ("/admin/teachers/1234567/reopen", "/admin/organisations/00000000-0000-0000-0000-000000000001/act",
                 f"/admin/manual-handling/inductions/{IN_ITEM['id']}", "/admin/edit-rules/try", "/admin/scenarios",
                 "/admin/acting/end", "/admin/scenarios/sign-in"):
        assert alice.post(path, data={"csrf_token": token, "note": "x", "reason": "Because"}).status_code == 403, path
    assert app.gateway.sent[asked:] == []  # nothing asked of any service for them
    assert app.test_client().get("/admin").headers["Location"].startswith("/?next=/admin")  # signed out: sign in first


def test_every_admin_page_renders_for_staff_with_one_h1(app, staff):
    assert staff.get("/").headers["Location"] == "/admin"
    for path in ADMIN_PAGES:
        response = staff.get(path)
        assert response.status_code == 200, (path, response.text[:3000])
        assert len(h1s(response.text)) == 1, path
        assert ">None</textarea>" not in response.text, path  # an empty form is empty
        assert 'href="/admin"' in response.text  # the navigation's DfE admin link


def test_the_teacher_page_puts_every_service_on_one_timeline_naming_staff_and_whom_they_acted_for(app, staff):
    page = staff.get("/admin/teachers/1234567").text
    timeline = page[page.index('data-testid="timeline"'):]
    order = [timeline.index(text) for text in ("Registered as an ECT", "Claimed by an appropriate body",
                                               "Sent In progress to TRS")]
    assert order == sorted(order)
    assert ("Sam Staff (sam@education.gov.uk), DfE staff, acting for Oakfield Primary School (reason: Ticket 42: the "
            "school asked)") in page
    assert "Hana Hub (hana@hubs.example), appropriate body user, Kingsbridge Teaching School Hub" in page
    assert "Reopen this induction" in page and "Record an exemption" not in page
    found = staff.get("/admin/teachers?q=lovelace").text
    assert "Ada Lovelace" in found and "ECT at Oakfield Primary School" in found and "Passed" in found
    assert staff.get("/admin/teachers/12").status_code == 404


def test_bad_input_on_the_search_forms_is_an_error_summary(app, staff):
    for path in ("/admin/teachers?q=" + "a" * 101, "/admin/organisations?q=" + "a" * 201):
        response = staff.get(path)
        assert response.status_code == 422 and "There is a problem" in response.text and 'href="#q"' in response.text
    assert not [p for _, p, _, params in app.gateway.sent if p == "/registrations/ects" and params and len(params.get("q", "")) > 100]


def test_reopen_needs_a_note_or_a_ticket_and_sends_them_once(app, staff):
    form = staff.get("/admin/teachers/1234567/reopen").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    once = re.search(r'name="once_token" value="([^"]+)"', form).group(1)
    refused = staff.post("/admin/teachers/1234567/reopen", data={"csrf_token": token, "once_token": once})
    assert refused.status_code == 422 and "Enter a note or a support ticket reference" in refused.text
    assert "<title>Error: " in refused.text and 'href="#note"' in refused.text
    too_long = staff.post("/admin/teachers/1234567/reopen", data={"csrf_token": token, "once_token": once,
                                                                 "support_ticket": "T" * 101})
    assert too_long.status_code == 422 and "100 characters or fewer" in too_long.text
    assert sent(app, "POST", "/inductions/admin/ects/1234567/reopen") == []
    app.gateway.answers[("POST", "/inductions/admin/ects/1234567/reopen")] = INDUCTION
    done = staff.post("/admin/teachers/1234567/reopen", data={"csrf_token": token, "once_token": once,
                                                             "support_ticket": " SUP-42 "})
    assert done.status_code == 302 and done.headers["Location"] == "/admin/teachers/1234567"
    again = staff.post("/admin/teachers/1234567/reopen", data={"csrf_token": token, "once_token": once,
                                                              "support_ticket": "SUP-42"})
    assert again.status_code == 302
    assert sent(app, "POST", "/inductions/admin/ects/1234567/reopen") == [{"note": None, "support_ticket": "SUP-42"}]
    assert "reopened" in staff.get("/admin/teachers/1234567").text


def test_a_reopening_outside_the_window_says_it_went_to_manual_handling(app, staff):
    form = staff.get("/admin/teachers/1234567/reopen").text
    data = {name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1) for name in ("csrf_token", "once_token")}
    app.gateway.answers[("POST", "/inductions/admin/ects/1234567/reopen")] = ServiceError(
        409, "manual_handling_required", "This must happen within 30 days of the outcome.")
    response = staff.post("/admin/teachers/1234567/reopen", data={**data, "note": "Appeal panel"})
    assert response.status_code == 200 and "added to manual handling" in response.text


def test_an_exemption_needs_a_reason_terms_for_an_open_period_and_a_note_or_ticket(app, staff):
    app.gateway.answers[("GET", "/inductions/teachers/1234567/induction")] = {
        **INDUCTION, "status": "InProgress", "completed_date": None,
        "periods": [{**INDUCTION["periods"][0], "finished_on": None, "outcome": None, "number_of_terms": None}]}
    form = staff.get("/admin/teachers/1234567/exemption").text
    assert "Recorded as exempt in the TRS console" not in form  # TRS's own reason is not CPD's to give
    data = {name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1) for name in ("csrf_token", "once_token")}
    refused = staff.post("/admin/teachers/1234567/exemption", data={**data, "reason": "made_up", "number_of_terms": "2.25"})
    assert refused.status_code == 422
    for message in ("Select why they are exempt", "Number of terms must be between 0 and 16",
                    "Enter a note or a support ticket reference"):
        assert message in refused.text
    assert sent(app, "POST", "/inductions/admin/ects/1234567/exemption") == []
    app.gateway.answers[("POST", "/inductions/admin/ects/1234567/exemption")] = INDUCTION
    staff.post("/admin/teachers/1234567/exemption", data={**data, "reason": "overseas_trained_teacher",
                                                          "number_of_terms": "2", "note": "Evidence seen"})
    assert sent(app, "POST", "/inductions/admin/ects/1234567/exemption") == [
        {"reason": "overseas_trained_teacher", "number_of_terms": "2.0", "note": "Evidence seen", "support_ticket": None}]


def test_acting_for_a_school_needs_a_reason_then_the_banner_is_on_every_page_until_staff_stop(app, staff):
    school_page = "/admin/organisations/00000000-0000-0000-0000-000000000001"
    token = csrf(staff, school_page)
    act = "/admin/organisations/00000000-0000-0000-0000-000000000001/act"
    for reason, message in (("", "Enter why you are acting for Oakfield Primary School"),
                            ("abc", "Reason must be 5 characters or more")):
        refused = staff.post(act, data={"csrf_token": token, "reason": reason})
        assert refused.status_code == 422 and message in refused.text and 'href="#reason"' in refused.text
    assert sent(app, "POST", "/accounts/staff/acting") == []
    assert staff.post(act, data={"reason": "Ticket 42"}).status_code == 400  # no CSRF token: refused, nothing sent
    assert sent(app, "POST", "/accounts/staff/acting") == []

    acting_me = {**SAM, "acting_organisation_id": "s1", "acting_for_reason": "Ticket 42: the school asked"}
    app.gateway.answers[("POST", "/accounts/staff/acting")] = {"access_token": "acting", "expires_in": 300}
    app.gateway.answers[("GET", "/accounts/me")] = acting_me
    app.gateway.answers[("GET", "/accounts/me/access")] = {"write": {"register_teachers": {"organisation_ids": ["s1"]}}}
    acted = staff.post(act, data={"csrf_token": token, "reason": "Ticket 42: the school asked"})
    assert acted.status_code == 302 and acted.headers["Location"] == "/school/ects"
    assert sent(app, "POST", "/accounts/staff/acting") == [{"organisation_id": "s1", "reason": "Ticket 42: the school asked"}]
    for path in ("/school/ects", "/school/mentors", "/settings", "/admin"):
        page = staff.get(path)
        assert 'data-testid="acting-banner"' in page.text, path
        assert "You are acting for Oakfield Primary School" in page.text and "Reason: Ticket 42" in page.text
        assert "Stop acting for Oakfield Primary School" in page.text
    assert staff.get("/admin/manual-handling").status_code == 409  # the console waits until they stop

    app.gateway.answers[("POST", "/accounts/staff/acting/end")] = {"access_token": "mine", "expires_in": 300}
    app.gateway.answers[("GET", "/accounts/me")] = SAM
    stopped = staff.post("/admin/acting/end", data={"csrf_token": token})
    assert stopped.headers["Location"] == "/admin"
    page = staff.get("/admin").text
    assert "acting-banner" not in page and "You have stopped acting for Oakfield Primary School" in page


def test_the_manual_handling_list_holds_both_queues_oldest_first_and_closing_needs_a_note(app, staff):
    page = staff.get("/admin/manual-handling").text
    assert page.index("Change TRS did not take") < page.index("Change outside the time allowed")  # September first
    assert "The teacher does not have QTS in TRS (TRS error 10034: No QTS in TRS)" in page and "This must happen within 30 days" in page
    item = f"/admin/manual-handling/inductions/{IN_ITEM['id']}"
    evidence = staff.get(item).text
    assert "Lodge an appeal" in evidence and "Hana Hub (hana@hubs.example)" in evidence
    token = csrf(staff, item)
    for note, message in (("", "Enter a note saying how this was settled"), ("ab", "Note must be 3 characters or more")):
        refused = staff.post(item, data={"csrf_token": token, "note": note})
        assert refused.status_code == 422 and message in refused.text and 'href="#note"' in refused.text
    assert sent(app, "POST", f"/inductions/manual-handling/{IN_ITEM['id']}/close") == []
    app.gateway.answers[("POST", f"/inductions/manual-handling/{IN_ITEM['id']}/close")] = {**IN_ITEM, "state": "closed"}
    assert staff.post(item, data={"csrf_token": token, "note": "Appeal accepted late"}).status_code == 302
    assert sent(app, "POST", f"/inductions/manual-handling/{IN_ITEM['id']}/close") == [{"note": "Appeal accepted late"}]
    app.gateway.answers[("POST", "/trs-sync/manual-handling/7/close")] = {**TRS_ITEM, "state": "closed"}
    staff.post("/admin/manual-handling/trs-sync/7", data={"csrf_token": token, "note": "Fixed in TRS"})
    assert sent(app, "POST", "/trs-sync/manual-handling/7/close") == [{"reason": "Fixed in TRS"}]
    app.gateway.answers[("POST", "/trs-sync/manual-handling/7/retry")] = {
        "item": {**TRS_ITEM, "state": "resolved"}, "attempt": {"outcome": "delivered", "detail": None}}
    retried = staff.post("/admin/manual-handling/trs-sync/7/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "sent again and the item is resolved" in retried.text


def test_try_a_change_asks_the_evaluate_endpoint_and_shows_the_verdict_and_rule(app, staff):
    form = staff.get("/admin/edit-rules/try?field=status&state=InProgress&change=Passed&actor=appropriate_body").text
    assert '<option value="Passed" selected>' in form
    token = csrf(staff, "/admin/edit-rules/try")
    refused = staff.post("/admin/edit-rules/try", data={"csrf_token": token, "field": "start_date", "change": "Passed",
                                                        "outcome_on-day": "31", "outcome_on-month": "2",
                                                        "outcome_on-year": "2026"})
    assert refused.status_code == 422
    for message in ("Select who makes the change", "Select the induction status before the change",
                    "Select set or clear", "Date of the pass or fail must be a real date",
                    "Select whether CPD has written this induction to TRS"):
        assert message in refused.text
    assert sent(app, "POST", "/trs-sync/edit-rules/evaluate") == []
    app.gateway.answers[("POST", "/trs-sync/edit-rules/evaluate")] = {
        "outcome": "allowed", "reason_code": "allowed", "message": "Allowed.", "rule": "pass", "rules_version": "2026-09.1"}
    answer = staff.post("/admin/edit-rules/try", data={"csrf_token": token, "field": "status", "actor": "appropriate_body",
                                                       "state": "InProgress", "change": "Passed", "written_by_cpd": "yes",
                                                       "outcome_on-day": "1", "outcome_on-month": "11",
                                                       "outcome_on-year": "2026"})
    assert answer.status_code == 200 and 'data-outcome="allowed"' in answer.text
    assert "Decided by rule <strong>pass</strong>: The appropriate body records a pass." in answer.text
    assert sent(app, "POST", "/trs-sync/edit-rules/evaluate") == [
        {"field": "status", "actor": "appropriate_body", "written_by_cpd": True, "outcome_on": "2026-11-01",
         "from": "InProgress", "to": "Passed"}]
    staff.post("/admin/edit-rules/try", data={"csrf_token": token, "field": "exemption", "actor": "trs_console",
                                              "state": "InProgress", "change": "grant", "written_by_cpd": "no"})
    assert sent(app, "POST", "/trs-sync/edit-rules/evaluate")[-1] == {
        "field": "exemption", "actor": "trs_console", "written_by_cpd": False, "status": "InProgress", "from": False,
        "to": True}


def test_the_rules_table_reads_as_a_page_with_a_try_link_per_rule(app, staff):
    page = staff.get("/admin/edit-rules").text
    assert "Version 2026-09.1" in page and "Within 30 days of the outcome" in page and "No time limit" in page
    assert page.count("Try this rule") == 2


def test_scenarios_load_then_sign_in_as_one_of_its_personas_and_only_those(app, staff):
    token = csrf(staff, "/admin/scenarios")
    refused = staff.post("/admin/scenarios", data={"csrf_token": token, "name": "made-up"})
    assert refused.status_code == 422 and "Choose a scenario to load" in refused.text
    assert sent(app, "POST", "/accounts/scenarios") == []
    pat = {"email": "pat.provider.ab12@providers.example", "name": "Pat Provider", "note": "provider user",
           "staff_role": None, "memberships": [{"organisation_id": "o1", "name": "Northgate Teaching School Hub ab12",
                                                "role": "approver"}]}
    app.gateway.answers[("POST", "/accounts/scenarios")] = {
        "scenario": "provider-user-with-5-organisations", "description": "provider user with access to 5 organisations",
        "organisations": [{"id": "o1", "name": "Northgate Teaching School Hub ab12", "type": "appropriate_body"}],
        "personas": [pat]}
    loaded = staff.post("/admin/scenarios", data={"csrf_token": token, "name": "provider-user-with-5-organisations"})
    assert loaded.headers["Location"] == "/admin/scenarios/loaded"
    page = staff.get("/admin/scenarios/loaded").text
    assert "Northgate Teaching School Hub ab12" in page and "Sign in as Pat Provider" in page and len(h1s(page)) == 1
    assert staff.post("/admin/scenarios/sign-in", data={"csrf_token": token, "email": "alice@oakfield.example"}).status_code == 404
    assert sent(app, "POST", "/accounts/sign-in/persona")[-1] == {"email": "alice@oakfield.example"}  # the sign-in above
    calls = len(sent(app, "POST", "/accounts/sign-in/persona"))
    app.gateway.answers[("GET", "/accounts/me")] = {**ALICE, "email": pat["email"]}
    signed = staff.post("/admin/scenarios/sign-in", data={"csrf_token": token, "email": pat["email"]})
    assert signed.status_code == 302
    assert sent(app, "POST", "/accounts/sign-in/persona")[calls:] == [{"email": pat["email"]}]
    assert sent(app, "POST", "/accounts/sign-out")  # the staff member's own session ended


def test_scenario_settings_are_absent_where_accounts_has_scenarios_off(app, staff):
    app.gateway.answers[("GET", "/accounts/scenarios")] = ServiceError(404, "scenarios_disabled", "Not enabled.")
    assert staff.get("/admin/scenarios").status_code == 404
    assert staff.get("/admin/scenarios/loaded").status_code == 404
    assert "Scenario settings" not in staff.get("/admin").text



def test_staff_record_an_appeals_decision_which_is_checked_and_sent_once(app, staff):
    appeal = {"id": "ap1", "period_id": "p1", "lodged_on": "2026-11-05", "decision": None, "decided_on": None}
    app.gateway.answers[("GET", "/inductions/teachers/1234567/induction")] = {
        **INDUCTION, "status": "Failed", "appeals": [appeal],
        "periods": [{**INDUCTION["periods"][0], "outcome": "fail", "appeal_notice_on": "2026-11-01"}]}
    page = staff.get("/admin/teachers/1234567").text
    assert 'href="/admin/teachers/1234567/appeals/ap1/decision"' in page and "Waiting for a decision" in page
    form = staff.get("/admin/teachers/1234567/appeals/ap1/decision")
    assert form.status_code == 200 and len(h1s(form.text)) == 1 and "5 November 2026" in form.text
    data = {name: re.search(rf'name="{name}" value="([^"]+)"', form.text).group(1) for name in ("csrf_token", "once_token")}
    for bad in ({}, {"decision": "overturned"}, {"decision": "dismissed", "note": "n" * 2001}):
        refused = staff.post("/admin/teachers/1234567/appeals/ap1/decision", data={**data, **bad})
        assert refused.status_code == 422 and "There is a problem" in refused.text
    assert sent(app, "POST", "/inductions/appeals/ap1/decision") == []
    app.gateway.answers[("POST", "/inductions/appeals/ap1/decision")] = {**appeal, "decision": "upheld_continue"}
    for _ in range(2):
        done = staff.post("/admin/teachers/1234567/appeals/ap1/decision",
                          data={**data, "decision": "upheld_continue", "note": " Panel of 3 Dec "})
        assert done.status_code == 302 and done.headers["Location"] == "/admin/teachers/1234567"
    assert sent(app, "POST", "/inductions/appeals/ap1/decision") == [{"decision": "upheld_continue",
                                                                      "note": "Panel of 3 Dec"}]
    assert staff.get("/admin/teachers/1234567/appeals/unknown/decision").status_code == 404


def test_an_appeal_decision_is_refused_to_anyone_not_dfe_staff(app):
    alice = signed_in(app)
    assert alice.get("/admin/teachers/1234567/appeals/ap1/decision").status_code == 403


STATEMENT = {"id": "5a1e0000-0000-0000-0000-000000000001", "lead_provider_id": "lp1",
             "lead_provider_name": "Northern Lights Teaching", "cohort": 2025, "year": 2026, "month": "January",
             "cut_off_date": "2025-12-31", "payment_date": "2026-01-25", "status": "payable", "paid_at": None,
             "paid_by": None, "updated_at": "2026-01-01T00:00:00+00:00",
             "declarations": {"payable": 3, "clawback_awaiting_clawback": 1}}
STATEMENT_URL = f"/admin/statements/{STATEMENT['id']}"
LP_PAID = f"/lp-api/finance/statements/{STATEMENT['id']}/paid"


def test_finance_lists_statements_and_marks_a_payable_one_paid_once_after_confirming(app, staff):
    app.gateway.answers[("GET", "/lp-api/finance/statements")] = [STATEMENT]
    app.gateway.answers[("GET", f"/lp-api/finance/statements/{STATEMENT['id']}")] = STATEMENT
    listed = staff.get("/admin/statements?status=payable&cohort=2025")
    assert listed.status_code == 200 and len(h1s(listed.text)) == 1
    assert "Northern Lights Teaching" in listed.text and "January 2026" in listed.text and "Payable" in listed.text
    assert [params for m, p, _, params in app.gateway.sent if p == "/lp-api/finance/statements"][-1] == {
        "limit": 100, "status": "payable", "cohort": 2025}
    bad = staff.get("/admin/statements?cohort=twenty")
    assert bad.status_code == 422 and "Enter a cohort as a year" in bad.text and 'href="#cohort"' in bad.text
    page = staff.get(STATEMENT_URL)
    assert page.status_code == 200 and len(h1s(page.text)) == 1
    assert "Awaiting clawback" in page.text and "Mark statement paid" in page.text
    data = {name: re.search(rf'name="{name}" value="([^"]+)"', page.text).group(1) for name in ("csrf_token", "once_token")}
    unconfirmed = staff.post(STATEMENT_URL, data=data)
    assert unconfirmed.status_code == 422 and "Confirm that the statement has been paid" in unconfirmed.text
    assert sent(app, "POST", LP_PAID) == []
    app.gateway.answers[("POST", LP_PAID)] = {**STATEMENT, "status": "paid"}
    for _ in range(2):
        done = staff.post(STATEMENT_URL, data={**data, "confirm": "yes"})
        assert done.status_code == 302 and done.headers["Location"] == STATEMENT_URL
    assert sent(app, "POST", LP_PAID) == [{}]
    assert "January 2026 statement has been marked paid" in staff.get(STATEMENT_URL).text


def test_a_refused_payment_is_shown_on_the_page_and_staff_who_may_not_pay_see_no_form(app, staff):
    app.gateway.answers[("GET", f"/lp-api/finance/statements/{STATEMENT['id']}")] = STATEMENT
    page = staff.get(STATEMENT_URL).text
    data = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1) for name in ("csrf_token", "once_token")}
    app.gateway.answers[("POST", LP_PAID)] = ServiceError(409, "cut_off_not_passed", "The statement's cut-off has not passed.")
    refused = staff.post(STATEMENT_URL, data={**data, "confirm": "yes"})
    assert refused.status_code == 422 and "cut-off has not passed" in refused.text
    app.gateway.answers[("GET", "/accounts/me")] = {**SAM, "staff_role": "support"}
    support = signed_in(app)
    assert "Mark statement paid" not in support.get(STATEMENT_URL).text
    token = csrf(support, STATEMENT_URL)
    assert support.post(STATEMENT_URL, data={"csrf_token": token, "confirm": "yes"}).status_code == 403
    app.gateway.answers[("GET", f"/lp-api/finance/statements/{STATEMENT['id']}")] = ServiceError(404, "not_found", "No")
    assert support.get(STATEMENT_URL).status_code == 404
