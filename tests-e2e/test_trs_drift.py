"""Drift detection end to end: an induction CPD sent to TRS is exempted in the TRS console; trs-sync's drift check
finds it, classifies it as permitted, and inductions closes the CPD record as exempt."""
import json
import subprocess
import sys

import requests

from system import eventually

TRN, DOB = "2300001", "1994-02-11"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_console_exemption_in_trs_reaches_inductions(system):
    gw = system.gateway
    system.seed_trs({"trn": TRN, "firstName": "Mary", "lastName": "Somerville", "dateOfBirth": DOB,
                     "qtsDate": "2026-07-15"})
    alice = bearer(system.sign_in("alice@oakfield.example")["access_token"])
    registered = requests.post(f"{gw}/registrations/ects", headers=alice, timeout=10, json={
        "trn": TRN, "date_of_birth": DOB, "started_on": "2026-09-01", "email": "mary@oakfield.example",
        "working_pattern": "full_time", "training_programme": "provider_led", "lead_provider_id": system.org("lp-1"),
        "appropriate_body_id": system.org("ab-1"), "cohort": 2026})
    assert registered.status_code == 201, registered.text
    # Claim once the in-flight induction reached TRS (a claim racing the registration event would wait for it).
    eventually(lambda: system.trs_puts(TRN))
    abby = bearer(system.sign_in("abby@kingsbridge.example")["access_token"])
    claimed = requests.post(f"{gw}/inductions/claims", headers=abby, timeout=10,
                            json={"trn": TRN, "date_of_birth": DOB, "started_on": "2026-09-01"})
    assert claimed.status_code == 201, claimed.text

    sam = bearer(system.sign_in("sam@education.gov.uk")["access_token"])

    def in_progress_delivered():
        log = requests.get(f"{gw}/trs-sync/sync-log?trn={TRN}", headers=sam, timeout=10).json()
        return any(e["outcome"] == "delivered" and e["request_body"]["status"] == "InProgress" for e in log)

    eventually(in_progress_delivered)
    edit = requests.post(f"{system.trs}/_test/console-edit", json={"trn": TRN, "status": "Exempt"}, timeout=5)
    assert edit.status_code == 200, edit.text

    run = subprocess.run([sys.executable, "-m", "trs_sync", "drift-check"], env=system.env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert summary["ran"] and summary["permitted"] >= 1 and summary["stopped"] is None, summary

    def induction():
        return requests.get(f"{gw}/inductions/teachers/{TRN}/induction", headers=sam, timeout=10).json()

    record = eventually(lambda: (r := induction())["status"] == "Exempt" and r)
    assert record["exemption"]["source"] == "trs"
    assert requests.get(f"{gw}/trs-sync/manual-handling?trn={TRN}", headers=sam, timeout=10).json() == []
