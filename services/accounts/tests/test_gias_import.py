"""The GIAS schools import: creates, updates, closes, rejects with reasons, and is idempotent."""
import subprocess
import sys
from pathlib import Path

from accounts.demo import ORGANISATIONS
from accounts.gias import import_file
from conftest import contacts_events, audit_rows

CSV = Path(__file__).parent / "data" / "gias_establishments.csv"


def _schools(svc):
    with svc.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("select urn, name, status, ukprn, contact_email, establishment_type, state_funded, "
                                    "eligible from organisations where type = 'school'").mappings().all()
    return {r["urn"]: dict(r) for r in rows}


def test_import_creates_updates_closes_and_rejects(svc, demo):
    before = len(svc.outbox_events())
    result = import_file(svc.db, CSV, progress=False)
    assert (result.created, result.updated, result.closed, result.skipped) == (5, 1, 1, 1)
    assert result.rejected == [
        (10, "URN '12345' is not 6 digits"),
        (11, "EstablishmentName is empty"),
        (12, "status is 'Proposed to open': imported once it opens"),
        (13, "UKPRN '12AB' is not 8 digits"),
        (14, "URN 100010 appears again (first on line 4)"),
    ]
    schools = _schools(svc)
    assert schools["100001"]["name"] == "Oakfield Primary School and Nursery"
    assert schools["100001"]["contact_email"] == "head@oakfield.example"
    assert schools["100002"]["status"] == "closed" and schools["100002"]["eligible"] is False
    st_marys = schools["100010"]
    assert st_marys["name"] == "St Mary\u2019s CofE Primary School"  # the line was Windows-1252
    assert st_marys["contact_email"] == "office@stmarys.example"  # MainEmail invalid: AlternativeEmail
    assert st_marys["ukprn"] == "10012345" and st_marys["state_funded"] and st_marys["eligible"]
    assert (schools["100011"]["state_funded"], schools["100011"]["eligible"]) == (False, False)  # not s41 approved
    assert (schools["100012"]["state_funded"], schools["100012"]["eligible"]) == (False, True)  # s41 approved
    assert schools["100013"]["eligible"] is False  # Welsh establishment
    assert (schools["100014"]["status"], schools["100014"]["eligible"]) == ("proposed_to_close", True)
    assert "100015" not in schools

    assert len(svc.outbox_events("accounts.organisation.created")) == len(ORGANISATIONS) + 5  # the demo's, then 5
    updated, = svc.outbox_events("accounts.organisation.updated")
    assert updated["data"]["name"] == "Oakfield Primary School and Nursery" and updated["actor"]["type"] == "system"
    closed, = svc.outbox_events("accounts.organisation.closed")
    assert closed["data"]["urn"] == "100002" and closed["data"]["status"] == "closed"
    contacts, = contacts_events(svc)  # Oakfield's GIAS contact email changed
    assert contacts["data"]["contact_email"] == "head@oakfield.example"
    entry, = [r for r in audit_rows(svc, action="organisation_updated")]
    assert entry["before"]["name"] == "Oakfield Primary School" and entry["after"]["name"].endswith("and Nursery")
    assert entry["actor_type"] == "system" and entry["actor_name"] == "GIAS import"
    assert len(svc.outbox_events()) == before + 5 + 1 + 1 + 1

    # Re-running changes nothing and publishes nothing.
    audit_before, events_before = len(audit_rows(svc)), len(svc.outbox_events())
    again = import_file(svc.db, CSV, progress=False)
    assert (again.created, again.updated, again.closed, again.unchanged, again.skipped) == (0, 0, 0, 7, 1)
    assert len(again.rejected) == 5
    assert _schools(svc) == schools
    assert len(svc.outbox_events()) == events_before and len(audit_rows(svc)) == audit_before


def test_the_command_prints_counts_and_each_rejected_row(svc, demo, tmp_path):
    env = {"DATABASE_URL": svc.settings.database_url, "DB_SCHEMA": svc.settings.db_schema, "LOG_FORMAT": "console",
           "PATH": "/usr/bin:/bin", "ENVIRONMENT": "test"}
    out = subprocess.run([sys.executable, "-m", "accounts", "import-gias", str(CSV)], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "created 5, updated 1, closed 1, unchanged 0, skipped 1, rejected 5"
    assert "  rejected line 10: URN '12345' is not 6 digits" in lines
    assert "importing schools" in out.stderr  # the progress bar
    bad = tmp_path / "bad.csv"
    bad.write_text("URN,Name\n100001,x\n")
    refused = subprocess.run([sys.executable, "-m", "accounts", "import-gias", str(bad)], env=env, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "the header lacks EstablishmentName" in refused.stderr
