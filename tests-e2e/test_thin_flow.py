"""The thin flow through the real gateway, PostgreSQL and RabbitMQ:

school user's token (accounts) → register an ECT (registrations) → registrations.ect.registered →
inductions opens an in-flight induction (RequiredToComplete) → status event → trs-sync PUTs it to the
TRS stand-in → lp-api lists the participant (trained through the lead provider's partnership with the school).
"""
import requests

from system import eventually


def test_registered_ect_reaches_trs_and_the_lead_provider(system):
    system.seed_trs({"trn": "2000001", "firstName": "Grace", "lastName": "Hopper", "dateOfBirth": "1996-12-09",
                     "qtsDate": "2026-07-15"})
    lp = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}
    system.partner("school-1", 2026)

    alice = system.sign_in("alice@oakfield.example")
    headers = {"Authorization": f"Bearer {alice['access_token']}"}
    response = requests.post(f"{system.gateway}/registrations/ects", headers=headers, timeout=10, json={
        "trn": "2000001", "date_of_birth": "1996-12-09", "started_on": "2026-09-01",
        "email": "grace@oakfield.example", "working_pattern": "full_time", "training_programme": "provider_led",
        "lead_provider_id": system.org("lp-1"), "appropriate_body_id": system.org("ab-1"), "cohort": 2026})
    assert response.status_code == 201, response.text
    assert response.headers.get("X-Correlation-Id")

    [put] = eventually(lambda: system.trs_puts("2000001"))
    assert put["method"] == "PUT" and put["status"] == 204
    assert put["body"]["status"] == "RequiredToComplete"
    assert "startDate" not in put["body"] and "completedDate" not in put["body"]
    assert put["body"]["modifiedOn"]

    def listed():
        data = requests.get(f"{system.gateway}/api/v3/participants/ecf", headers=lp, timeout=10).json()["data"]
        return [p for p in data if p["attributes"]["teacher_reference_number"] == "2000001"]

    [participant] = eventually(listed)
    assert participant["type"] == "participant"
    assert participant["attributes"]["full_name"] == "Grace Hopper"
    [enrolment] = participant["attributes"]["ecf_enrolments"]
    assert enrolment["email"] == "grace@oakfield.example" and enrolment["school_urn"] == "100001"
    assert enrolment["registered_by"]["email"] == "alice@oakfield.example"

    other_lp = {"Authorization": f"Bearer {system.lp_token('Brightside Learning')}"}
    other = requests.get(f"{system.gateway}/api/v3/participants/ecf", headers=other_lp, timeout=10).json()["data"]
    assert all(p["attributes"]["teacher_reference_number"] != "2000001" for p in other)


def test_gateway_refuses_without_tokens_and_hides_metrics(system):
    assert requests.post(f"{system.gateway}/registrations/ects", json={}, timeout=5).status_code == 401
    unauthorised = requests.get(f"{system.gateway}/api/v3/participants/ecf", timeout=5)
    assert unauthorised.status_code == 401 and unauthorised.json() == {"error": "HTTP Token: Access denied"}
    for prefix in ("accounts", "registrations", "inductions", "trs-sync"):
        assert requests.get(f"{system.gateway}/{prefix}/health", timeout=5).status_code == 200
        assert requests.get(f"{system.gateway}/{prefix}/openapi.json", timeout=5).status_code == 200
        assert requests.get(f"{system.gateway}/{prefix}/metrics", timeout=5).status_code == 404
