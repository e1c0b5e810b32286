"""trs-sync through the gateway: what TRS refuses waits in the manual-handling queue with TRS's error, for DfE staff
to settle (retry once fixed, or close with a reason), audited; and both consoles can ask the edit rules first."""
import requests

from system import eventually

TRN, DOB = "2300002", "1993-05-02"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_change_trs_refuses_waits_for_staff_and_goes_through_once_fixed(system):
    gw = system.gateway
    person = {"trn": TRN, "firstName": "Caroline", "lastName": "Herschel", "dateOfBirth": DOB}
    system.seed_trs(person)  # no QTS yet: schools may register them (with a warning), TRS refuses the induction
    alice = bearer(system.sign_in("alice@oakfield.example")["access_token"])
    registered = requests.post(f"{gw}/registrations/ects", headers=alice, timeout=10, json={
        "trn": TRN, "date_of_birth": DOB, "started_on": "2026-09-01", "email": "caroline@oakfield.example",
        "working_pattern": "full_time", "training_programme": "school_led", "appropriate_body_id": system.org("ab-1"),
        "cohort": 2026})
    assert registered.status_code == 201, registered.text

    sam = bearer(system.sign_in("sam@education.gov.uk")["access_token"])
    queue = f"{gw}/trs-sync/manual-handling"
    [item] = eventually(lambda: requests.get(queue, params={"trn": TRN, "state": "open"}, headers=sam, timeout=10).json())
    assert item["kind"] == "delivery" and item["status"] == "RequiredToComplete"
    assert item["error_code"] == "10034" and TRN in item["detail"]  # TRS's code for "Person does not have QTS."
    assert requests.get(queue, headers=alice, timeout=10).status_code == 403  # staff only

    refused = requests.post(f"{queue}/{item['id']}/retry", headers=sam, timeout=10)
    assert refused.status_code == 200 and refused.json()["item"]["state"] == "open"  # still no QTS
    system.seed_trs({**person, "qtsDate": "2026-07-15"})  # TRS is put right
    retried = requests.post(f"{queue}/{item['id']}/retry", headers=sam, timeout=10)
    assert retried.status_code == 200 and retried.json()["item"]["state"] == "resolved", retried.text
    [put] = [p for p in system.trs_puts(TRN) if p["status"] == 204]
    assert put["body"]["status"] == "RequiredToComplete"
    history = requests.get(f"{queue}/{item['id']}", headers=sam, timeout=10).json()
    assert [a["action"] for a in history["audit"]] == ["retry", "retry"]
    assert {a["actor_email"] for a in history["audit"]} == {"sam@education.gov.uk"}
    closed_again = requests.post(f"{queue}/{item['id']}/close", json={"reason": "done"}, headers=sam, timeout=10)
    assert closed_again.status_code == 409  # settled items stay settled


def test_both_consoles_can_ask_the_edit_rules_before_offering_an_edit(system):
    gw = system.gateway
    sam = bearer(system.sign_in("sam@education.gov.uk")["access_token"])
    table = requests.get(f"{gw}/trs-sync/edit-rules", headers=sam, timeout=10)
    assert table.status_code == 200 and table.json()["version"]

    def ask(**change):
        answer = requests.post(f"{gw}/trs-sync/edit-rules/evaluate", json=change, headers=sam, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert ask(field="status", actor="trs_console", **{"from": "InProgress", "to": "Exempt"})["outcome"] == "allowed"
    refused = ask(field="status", actor="trs_console", **{"from": "InProgress", "to": "Passed"})
    assert refused["outcome"] != "allowed" and refused["reason_code"] and refused["message"]
    bad = requests.post(f"{gw}/trs-sync/edit-rules/evaluate", json={"field": "status", "actor": "nobody"},
                        headers=sam, timeout=10)
    assert bad.status_code == 422 and "actor" in bad.json()["fields"]
