"""The in-flight import end to end: an operator runs `python -m inductions import-in-flight` against the running
system, or a DfE staff admin uploads the file through the gateway and the inductions worker runs it; the imported
records reach the inductions API, and trs-sync sends TRS only what it does not already hold."""
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


def test_a_staff_admin_uploads_the_file_through_the_gateway_and_follows_it_until_it_has_finished(system):
    """The same import through the staff-only upload: the web request stores and queues it, the inductions worker
    runs it, and the uploader follows its progress to the summary and the rejected rows."""
    gw = system.gateway
    good, unknown = ("2310003", "1993-02-11"), ("2310004", "1994-06-30")
    system.seed_trs({"firstName": "Ada", "lastName": "Uploaded", "qtsDate": "2025-07-10", "trn": good[0],
                     "dateOfBirth": good[1], "inductionStatus": "RequiredToComplete"})
    rows = [",".join(HEADER)]
    for trn, dob in (good, unknown):
        rows.append(f"{trn},{dob[8:]}/{dob[5:7]}/{dob[:4]},{system.org('ab-1')},01/09/2025,,,FIP,")
    sam = system.sign_in("sam@education.gov.uk")["access_token"]
    alice = system.sign_in("alice@oakfield.example")["access_token"]
    upload = {"file": ("legacy.csv", "\r\n".join(rows).encode() + b"\r\n", "text/csv")}

    refused = requests.post(f"{gw}/inductions/admin/in-flight-imports", files=upload, headers=bearer(alice), timeout=30)
    assert refused.status_code == 403, refused.text
    empty = requests.post(f"{gw}/inductions/admin/in-flight-imports", headers=bearer(sam), timeout=30,
                          files={"file": ("legacy.csv", b"", "text/csv")})
    assert empty.status_code == 422 and empty.json()["fields"] == {"file": ["The selected file is empty."]}

    queued = requests.post(f"{gw}/inductions/admin/in-flight-imports", files=upload, data={"dry_run": "false"},
                           headers=bearer(sam), timeout=30)
    assert queued.status_code == 202, queued.text
    location = queued.headers["Location"]
    assert location == f"/inductions/admin/in-flight-imports/{queued.json()['id']}"

    seen = []

    def finished():
        state = requests.get(f"{gw}{location}", headers=bearer(sam), timeout=10).json()
        seen.append((state["status"], state["progress"]["rows_read"]))
        return state if state["status"] in ("finished", "failed") else None

    state = eventually(finished, timeout=60)
    assert state["status"] == "finished", state
    assert state["progress"]["rows_read"] == 2 and state["progress"]["teachers_checked"] == 2
    summary = state["summary"]
    assert (summary["rows_read"], summary["teachers_imported"], summary["trs_mismatches"],
            summary["rejected_rows"], summary["dry_run"]) == (2, 1, 1, {"trs_not_found": 1}, False), summary
    assert state["uploaded_by"]["email"] == "sam@education.gov.uk"

    listed = requests.get(f"{gw}/inductions/admin/in-flight-imports", headers=bearer(sam), timeout=10)
    assert listed.status_code == 200 and listed.json()[0]["id"] == state["id"]
    rejects = requests.get(f"{gw}{location}/rejects.csv", headers=bearer(sam), timeout=10)
    assert rejects.status_code == 200 and rejects.headers["Content-Type"].startswith("text/csv")
    assert [(r["Line"], r["Reason"], r["TRN"]) for r in csv.DictReader(rejects.text.splitlines())] == [
        ("3", "trs_not_found", unknown[0])]

    record = requests.get(f"{gw}/inductions/teachers/{good[0]}/induction", headers=bearer(sam), timeout=10)
    assert record.status_code == 200 and record.json()["status"] == "InProgress", record.text
    # trs-sync delivers the new induction to TRS, as after any import.
    assert eventually(lambda: system.trs_puts(good[0]), timeout=30)[0]["body"]["status"] == "InProgress"
