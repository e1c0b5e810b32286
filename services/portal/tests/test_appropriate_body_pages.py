"""The appropriate body pages with the services replaced by the recording fake gateway: every page renders with one
h1, bad input is shown on the form and sends nothing, a change outside the time windows is a page saying DfE will
handle it, and each claim refusal has its own page."""
import re

import pytest

from portal.adapters.gateway import ServiceError
from portal.domain.answers import terms
from test_pages import FakeGateway, csrf, h1s, signed_in  # noqa: F401 (fixtures' helpers)

AB1, AB2 = "a1", "a2"
ME = {"user_id": "22222222-2222-2222-2222-222222222222", "email": "hana@hubs.example", "name": "Hana", "mode": "blended",
      "acting_organisation_id": None, "staff_role": None}
ORGS = [{"organisation_id": AB1, "name": "Kingsbridge Teaching School Hub", "type": "appropriate_body", "role": "end_user"},
        {"organisation_id": AB2, "name": "Westmoor Teaching School Hub", "type": "appropriate_body", "role": "end_user"}]
ADA = {"id": "i1", "trn": "1234567", "first_name": "Ada", "last_name": "Lovelace", "status": "InProgress",
       "start_date": "2026-09-01", "completed_date": None, "terms_required": "6.0", "extensions": [], "appeals": [],
       "exemption": None, "periods": [{"id": "p1", "appropriate_body_id": AB1, "started_on": "2026-09-01",
                                       "finished_on": None, "number_of_terms": None, "training_programme": "school_led",
                                       "outcome": None, "appeal_notice_on": None}]}


@pytest.fixture
def app(settings, db):
    from portal.app import create_app

    gateway = FakeGateway()
    gateway.answers.update({("GET", "/accounts/me"): ME, ("GET", "/accounts/me/organisations"): ORGS,
                            ("GET", "/inductions/ects"): [ADA], ("GET", "/inductions/ects/1234567"): ADA})
    app = create_app(settings.with_overrides(persona_signin_enabled=True), gateway=gateway)
    app.gateway = gateway
    return app


def form_fields(client, path) -> dict:
    """The hidden fields of the form on a page: its CSRF token and its one-time token."""
    page = client.get(path).text
    return {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1) for name in ("csrf_token", "once_token")}


def test_the_teachers_list_and_a_teacher_page_show_the_induction_and_what_can_be_recorded(app):
    client = signed_in(app)
    assert client.get("/").headers["Location"] == "/appropriate-body/teachers"
    listed = client.get("/appropriate-body/teachers")
    assert listed.status_code == 200 and len(h1s(listed.text)) == 1
    assert "Ada Lovelace" in listed.text and "Kingsbridge Teaching School Hub" in listed.text
    assert "All your appropriate bodies" in listed.text  # blended: the filter by appropriate body
    page = client.get("/appropriate-body/teachers/1234567")
    assert page.status_code == 200 and len(h1s(page.text)) == 1
    assert "Record a failed induction" in page.text and "In progress" in page.text
    assert "No school has Ada Lovelace registered at the moment" in page.text


def test_a_teacher_page_names_the_registering_school_and_the_appropriate_body_it_reports(app):
    app.gateway.answers[("GET", "/inductions/ects/1234567")] = {**ADA, "schools": [
        {"school_id": "s1", "name": "Oakfield Primary", "urn": "100001", "started_on": "2026-09-01",
         "reported_appropriate_body": {"id": AB2, "name": "Westmoor Teaching School Hub"}}]}
    page = signed_in(app).get("/appropriate-body/teachers/1234567").text
    school = page[page.index("<h2 class=\"govuk-heading-m\">School</h2>"):page.index("Record an outcome")]
    for shown in ("Oakfield Primary", "100001", "1 September 2026", "Appropriate body the school reports",
                  "Westmoor Teaching School Hub"):
        assert shown in school


def test_bad_input_on_the_fail_form_is_shown_on_it_and_nothing_is_sent(app):
    client = signed_in(app)
    token = csrf(client, "/appropriate-body/teachers/1234567/outcome/fail")
    response = client.post("/appropriate-body/teachers/1234567/outcome/fail", data={
        "csrf_token": token, "finished_on-day": "31", "finished_on-month": "2", "finished_on-year": "2027",
        "number_of_terms": "2.25"})
    assert response.status_code == 422 and "<title>Error: " in response.text
    for message in ("End date must be a real date", "Number of terms must be between 0 and 16",
                    "Confirm that you have told the ECT about their right to appeal", "Enter the date you told them"):
        assert message in response.text
    assert ("POST", "/inductions/ects/1234567/outcome") not in app.gateway.calls


def test_a_change_outside_the_time_windows_says_it_has_gone_to_dfe(app):
    client = signed_in(app)
    app.gateway.answers[("POST", "/inductions/ects/1234567/outcome")] = ServiceError(
        409, "manual_handling_required", "This must happen within 30 days of the outcome.")
    response = client.post("/appropriate-body/teachers/1234567/outcome/pass", data={
        **form_fields(client, "/appropriate-body/teachers/1234567/outcome/pass"),
        "finished_on-day": "1", "finished_on-month": "10", "finished_on-year": "2026",
        "number_of_terms": "1"})
    assert response.status_code == 200 and "We have sent this to DfE to handle" in response.text


@pytest.mark.parametrize("code, heading", [
    ("claimed_by_another_appropriate_body", "Another appropriate body is supporting this ECT"),
    ("induction_already_completed", "This teacher has already completed their induction"),
    ("prohibited_from_teaching", "This teacher is prohibited from teaching"),
    ("no_qts", "This teacher does not have qualified teacher status (QTS)"),
    ("teacher_not_found", "We cannot find this teacher"),
])
def test_each_claim_refusal_has_its_own_page(app, code, heading):
    client = signed_in(app)
    app.gateway.answers[("POST", "/inductions/claims/check")] = ServiceError(409, code, "Refused.")
    started = client.post("/appropriate-body/claim-an-ect", data={"csrf_token": csrf(client, "/appropriate-body/claim-an-ect")})
    assert started.headers["Location"].endswith("/which-appropriate-body")
    step = client.get(started.headers["Location"])
    assert "Which appropriate body?" in step.text
    run_id = re.search(r'name="run_id" value="([^"]+)"', step.text).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', step.text).group(1)
    chosen = client.post(started.headers["Location"], data={"csrf_token": token, "run_id": run_id,
                                                            "appropriate_body_id": AB2})
    assert chosen.headers["Location"].endswith("/find-ect")
    found = client.post(chosen.headers["Location"], data={
        "csrf_token": token, "run_id": run_id, "trn": "1234567", "date_of_birth-day": "1", "date_of_birth-month": "4",
        "date_of_birth-year": "1995"})
    refused = client.get(found.headers["Location"])
    assert refused.status_code == 200 and heading in refused.text and len(h1s(refused.text)) == 1


def test_terms_are_up_to_16_with_one_decimal_place():
    assert terms("5.5") == ("5.5", None) and terms("6") == ("6.0", None)
    assert terms("")[1] == "Enter the number of terms"
    assert terms("five")[1] == "Number of terms must be a number, like 5.5"
    assert terms("16.5")[1] and terms("-1")[1] and terms("2.25")[1] and terms("NaN")[1]
    assert terms("0", minimum="0.1")[1] == "Number of terms must be between 0.1 and 16, with up to one decimal place"


def test_the_banner_after_a_change_shows_the_message_as_a_heading_not_as_markup(app):
    client = signed_in(app)
    app.gateway.answers[("POST", "/inductions/ects/1234567/outcome")] = ADA
    response = client.post("/appropriate-body/teachers/1234567/outcome/pass", follow_redirects=True, data={
        **form_fields(client, "/appropriate-body/teachers/1234567/outcome/pass"),
        "finished_on-day": "1", "finished_on-month": "10", "finished_on-year": "2026",
        "number_of_terms": "1"})
    assert ('<p class="govuk-notification-banner__heading">Ada Lovelace&#39;s induction has been recorded as passed</p>'
            in response.text), response.text
    assert "&lt;p" not in response.text


def test_a_bulk_file_with_bad_rows_lists_every_one_and_a_missing_file_or_body_is_asked_for(app):
    import io

    client = signed_in(app)
    token = csrf(client, "/appropriate-body/bulk/outcomes")
    missing = client.post("/appropriate-body/bulk/outcomes", data={"csrf_token": token})
    assert missing.status_code == 422 and "Select a CSV file" in missing.text
    assert "Select the appropriate body this file is for" in missing.text  # blended, two bodies
    app.gateway.answers[("POST", "/inductions/outcomes/bulk")] = ServiceError(
        422, "rows_invalid", "2 of 2 rows have errors; no outcome was recorded.", details={"rows": [
            {"line": 2, "code": "no_open_period", "message": "You have no open induction period for this ECT.",
             "fields": {}},
            {"line": 3, "code": "invalid", "message": "This row has invalid values.",
             "fields": {"outcome": ["Must be pass or release (a fail is never recorded in a file)."]}}]})
    rejected = client.post("/appropriate-body/bulk/outcomes", content_type="multipart/form-data", data={
        "csrf_token": token, "appropriate_body_id": AB1,
        "file": (io.BytesIO(b"trn,finished_on,number_of_terms,outcome\n1234567,2026-11-01,6,pass\n"), "o.csv")})
    assert rejected.status_code == 422 and "Nothing in the file has been saved" in rejected.text
    assert "You have no open induction period for this ECT." in rejected.text and "a fail is never recorded" in rejected.text
    assert len(h1s(rejected.text)) == 1
    assert re.search(r'value="a1" checked', rejected.text)  # the corrected file goes to the same body


def test_an_extension_form_sent_twice_adds_one_extension(app):
    client = signed_in(app)
    app.gateway.answers[("POST", "/inductions/ects/1234567/extensions")] = {"id": "e1", "terms": "1.0"}
    form = form_fields(client, "/appropriate-body/teachers/1234567/extensions/new")
    first = client.post("/appropriate-body/teachers/1234567/extensions/new", data={**form, "terms": "1"})
    again = client.post("/appropriate-body/teachers/1234567/extensions/new", data={**form, "terms": "1"})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"] == "/appropriate-body/teachers/1234567"
    assert app.gateway.calls.count(("POST", "/inductions/ects/1234567/extensions")) == 1
