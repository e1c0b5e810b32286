"""One journey through the gateway, from sign-in onwards: a school with several users registers
teachers, an appropriate body claims, fails, the appeal is upheld and the induction is passed, TRS
receives exactly the expected changes in order, and a lead provider's `updated_since` sync sees it all.
"""
from datetime import date, datetime, timedelta, timezone

import requests

from system import eventually

TRN, DOB = "2200001", "1995-03-14"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_school_to_appropriate_body_to_trs_to_lead_provider(system):
    gw = system.gateway
    system.seed_trs({"trn": TRN, "firstName": "Ada", "lastName": "Byron", "dateOfBirth": DOB, "qtsDate": "2026-07-15"},
                    {"trn": "2200002", "firstName": "Charles", "lastName": "Babbage", "dateOfBirth": DOB,
                     "qtsDate": "2026-07-15"})
    lp = bearer(system.lp_token("Northern Lights Teaching"))
    sync_from = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()

    # Two users of the same school both register teachers; neither is assumed to be the tutor.
    alice = system.sign_in("alice@oakfield.example")["access_token"]
    bob = system.sign_in("bob@oakfield.example")["access_token"]
    for token, trn, email in ((alice, TRN, "ada@oakfield.example"), (bob, "2200002", "charles@oakfield.example")):
        r = requests.post(f"{gw}/registrations/ects", headers=bearer(token), timeout=10, json={
            "trn": trn, "date_of_birth": DOB, "started_on": "2026-09-01", "email": email,
            "working_pattern": "full_time", "training_programme": "provider_led",
            "lead_provider_id": system.org("lp-1"), "appropriate_body_id": system.org("ab-1"), "cohort": 2026})
        assert r.status_code == 201, r.text
    registered_by = {e["trn"]: e["registered_by"]["email"]
                     for e in requests.get(f"{gw}/registrations/ects", headers=bearer(bob), timeout=10).json()}
    assert registered_by[TRN] == "alice@oakfield.example" and registered_by["2200002"] == "bob@oakfield.example"

    # The appropriate body claims Ada, fails her; the appeal is upheld, then she passes.
    abby = bearer(system.sign_in("abby@kingsbridge.example")["access_token"])
    sam = bearer(system.sign_in("sam@education.gov.uk")["access_token"])
    today = date.today().isoformat()

    def ok(response, status=200):
        assert response.status_code in (status, 200, 201), response.text
        return response.json()

    ok(requests.post(f"{gw}/inductions/claims", headers=abby, timeout=10,
                     json={"trn": TRN, "date_of_birth": DOB, "started_on": "2026-09-01"}), 201)
    eventually(lambda: _statuses(system) == ["RequiredToComplete", "InProgress"])
    ok(requests.post(f"{gw}/inductions/ects/{TRN}/outcome", headers=abby, timeout=10,
                     json={"outcome": "fail", "finished_on": today, "number_of_terms": "2.0",
                           "appeal_notice_confirmed": True, "appeal_notice_confirmed_on": today}))
    appeal = ok(requests.post(f"{gw}/inductions/ects/{TRN}/appeals", headers=abby, timeout=10, json={}), 201)
    decided = ok(requests.post(f"{gw}/inductions/appeals/{appeal['id']}/decision", headers=sam, timeout=10,
                               json={"decision": "upheld_continue", "note": "Appeal panel upheld the appeal."}))
    assert decided["decision"] == "upheld_continue"
    assert ok(requests.get(f"{gw}/inductions/ects/{TRN}", headers=abby, timeout=10))["status"] == "InProgress"
    passed = ok(requests.post(f"{gw}/inductions/ects/{TRN}/outcome", headers=abby, timeout=10,
                              json={"outcome": "pass", "finished_on": today, "number_of_terms": "6.0"}))
    assert passed["status"] == "Passed"

    # TRS receives exactly the expected changes, in order.
    expected = ["RequiredToComplete", "InProgress", "Failed", "InProgress", "Passed"]
    eventually(lambda: _statuses(system) == expected, timeout=30)
    puts = [p for p in system.trs_puts(TRN) if p["status"] == 204]
    assert [p["body"].get("startDate") for p in puts] == [None, "2026-09-01", "2026-09-01", "2026-09-01", "2026-09-01"]
    assert [p["body"].get("completedDate") for p in puts] == [None, None, today, None, today]
    modified = [p["body"]["modifiedOn"] for p in puts]
    assert modified == sorted(modified)
    trs_record = requests.get(f"{system.trs}/_test/persons/{TRN}", timeout=5).json()
    assert trs_record["induction"]["status"] == "Passed"

    # The lead provider's updated_since sync sees both participants and who registered them.
    def synced():
        r = requests.get(f"{gw}/api/v3/participants/ecf", headers=lp, timeout=10,
                         params={"filter[updated_since]": sync_from})
        return {p["attributes"]["teacher_reference_number"]: p for p in r.json()["data"]} if r.ok else {}

    participants = eventually(lambda: (lambda s: s if {TRN, "2200002"} <= set(s) else None)(synced()))
    ada = participants[TRN]["attributes"]
    assert ada["full_name"] == "Ada Byron"
    assert ada["ecf_enrolments"][0]["registered_by"]["email"] == "alice@oakfield.example"


def _statuses(system) -> list[str]:
    return [p["body"]["status"] for p in system.trs_puts(TRN) if p["status"] == 204]
