"""The in-flight import end to end: an operator runs `python -m inductions import-in-flight` against the running
system; the imported records reach the inductions API, and trs-sync sends TRS only what it does not already hold."""
import csv
import json
import subprocess
import sys

import requests

from system import eventually

HELD, CHANGED = ("2310001", "1991-03-14"), ("2310002", "1992-05-21")
HEADER = ("TRN", "Date of birth", "Appropriate body", "Induction period start date", "Induction period end date",
          "Number of terms", "Induction programme", "Outcome")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_an_import_sends_trs_only_the_inductions_it_does_not_already_hold(system, tmp_path):
    gw = system.gateway
    person = {"firstName": "Ada", "lastName": "Imported", "qtsDate": "2025-07-10"}
    system.seed_trs({**person, "trn": HELD[0], "dateOfBirth": HELD[1], "inductionStatus": "InProgress",
                     "inductionStartDate": "2025-09-01"},
                    {**person, "trn": CHANGED[0], "dateOfBirth": CHANGED[1], "inductionStatus": "RequiredToComplete"})
    legacy = tmp_path / "legacy.csv"
    with open(legacy, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for trn, dob in (HELD, CHANGED):
            day, month, year = dob[8:], dob[5:7], dob[:4]
            writer.writerow([trn, f"{day}/{month}/{year}", system.org("ab-1"), "01/09/2025", "", "", "FIP", ""])
    sam = system.sign_in("sam@education.gov.uk")["access_token"]

    run = subprocess.run([sys.executable, "-m", "inductions", "import-in-flight", str(legacy), "--json"],
                         env={**system.env, "IMPORT_ACCESS_TOKEN": sam}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert (summary["teachers_imported"], summary["rejected_rows_total"], summary["trs_mismatches"]) == (2, 0, 0)

    def settled(trn):
        log = requests.get(f"{gw}/trs-sync/sync-log?trn={trn}", headers=bearer(sam), timeout=10).json()
        return [entry["outcome"] for entry in log if entry["outcome"] != "retry"]

    # Both events consumed by trs-sync: the one TRS holds settled without a request, the other one delivered.
    assert eventually(lambda: settled(HELD[0]), timeout=30) == ["already_in_trs"]
    assert eventually(lambda: settled(CHANGED[0]), timeout=30) == ["delivered"]
    assert system.trs_puts(HELD[0]) == []
    [put] = system.trs_puts(CHANGED[0])
    assert put["body"]["status"] == "InProgress" and put["body"]["startDate"] == "2025-09-01", put

    for trn, _ in (HELD, CHANGED):
        record = requests.get(f"{gw}/inductions/teachers/{trn}/induction", headers=bearer(sam), timeout=10)
        assert record.status_code == 200, record.text
        body = record.json()
        assert body["status"] == "InProgress", body
        [period] = body["periods"]
        assert period["started_on"] == "2025-09-01" and period["appropriate_body_id"] == system.org("ab-1"), period
