"""The in-flight import end to end within inductions: a file mixing good rows, bad rows, TRS mismatches and
duplicates, checked against the database, the outbox and what trs-sync was asked."""
import csv
import json

import pytest
from sqlalchemy import text

from conftest import AB, OTHER_AB, TODAY
from inductions.domain.in_flight import COLUMNS
from inductions.in_flight import importer
from inductions.in_flight.cli import import_in_flight
from inductions.in_flight.importer import InFlightImport
from inductions.in_flight.legacy_file import Grouped, load_mapping
from inductions.in_flight.trs import TrsFinder
from test_in_flight_inductions import registered

MAPPING = f"legacy name,appropriate body id\nKingsbridge TSH,{AB}\nNorth LA,{OTHER_AB}\n"


def line(trn, ab="Kingsbridge TSH", start="01/09/2024", end="", terms="", programme="FIP", outcome="",
         dob="01/04/1995"):
    return [trn, dob, ab, start, end, terms, programme, outcome]


GOOD = [
    line("1000001"),  # in progress, TRS agrees
    line("1000002", end="31/03/2025", terms="2", ab="North LA"),  # released by one AB, then claimed by another
    line("1000002", start="01/04/2025"),
    line("1000003", end="20/07/2026", terms="6", outcome="Passed"),  # passed, TRS already holds it
    line("1000001"),  # the same period again: a duplicate
]
BAD = [
    line("1000004", start="01/09/2027"),  # start in the future
    line("1000005", ab="Nowhere Hub"),  # unknown appropriate body
    line("1000005", start="01/09/2025", ab="North LA"),  # rejected with its teacher
    line("1000006"),  # TRS: Passed, the file: in progress
    line("1000007"),  # TRS does not know them
]


@pytest.fixture
def files(tmp_path):
    def write(rows, name="legacy.csv"):
        path = tmp_path / name
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
        return str(path)
    (tmp_path / "mapping.csv").write_text(MAPPING)
    return write, str(tmp_path / "mapping.csv"), str(tmp_path / "rejects.csv")


@pytest.fixture
def trs(fake_trs_sync):
    fake_trs_sync.add("1000001", status="InProgress", start="2024-09-01", qts="2024-07-01")
    fake_trs_sync.add("1000002", status="RequiredToComplete", qts="2024-07-01")
    fake_trs_sync.add("1000003", status="Passed", start="2024-09-01", completed="2026-07-20", qts="2024-07-01")
    fake_trs_sync.add("1000006", status="Passed", start="2023-09-01", completed="2025-07-20", qts="2023-07-01")
    return fake_trs_sync


@pytest.fixture
def run(svc, clock, monkeypatch, token_issuer, capsys):
    monkeypatch.setenv("IMPORT_ACCESS_TOKEN", token_issuer.issue(staff_role="admin"))

    def run(*argv):
        capsys.readouterr()
        assert import_in_flight(svc.settings, ["--json", *argv], clock=clock) == 0
        return json.loads(capsys.readouterr().out)
    return run


def query(svc, sql):
    with svc.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_a_mixed_file_imports_the_good_teachers_and_reports_the_rest(svc, files, trs, run):
    write, mapping, rejects = files
    summary = run(write(GOOD + BAD), "--mapping", mapping, "--rejects", rejects)
    assert summary["rows_read"] == 10 and summary["teachers_read"] == 7
    assert (summary["teachers_imported"], summary["periods_imported"], summary["trs_mismatches"]) == (3, 4, 2)
    assert summary["rejected_rows"] == {"duplicate_row": 1, "other_row_rejected": 1, "start_in_future": 1,
                                        "trs_completed": 1, "trs_not_found": 1, "unknown_appropriate_body": 1}
    assert summary["trs_requests"] == 1
    [asked] = trs.finds
    assert sorted(p["trn"] for p in asked["body"]["teachers"]) == ["1000001", "1000002", "1000003", "1000006",
                                                                   "1000007"]
    assert asked["authorization"].startswith("Bearer ")

    with open(rejects) as fh:
        rejected = [(r["Line"], r["Reason"], r["TRN"]) for r in csv.DictReader(fh)]
    assert rejected == [("6", "duplicate_row", "1000001"), ("7", "start_in_future", "1000004"),
                        ("8", "unknown_appropriate_body", "1000005"), ("9", "other_row_rejected", "1000005"),
                        ("10", "trs_completed", "1000006"), ("11", "trs_not_found", "1000007")]

    assert query(svc, "select trn, first_name, qts_awarded_on::text from inductions order by trn") == [
        ("1000001", "Ada", "2024-07-01"), ("1000002", "Ada", "2024-07-01"), ("1000003", "Ada", "2024-07-01")]
    assert query(svc, "select i.trn, p.appropriate_body_id::text, p.started_on::text, p.finished_on::text, "
                      "p.number_of_terms::text, p.training_programme, p.outcome from induction_periods p "
                      "join inductions i on i.id = p.induction_id order by i.trn, p.started_on") == [
        ("1000001", AB, "2024-09-01", None, None, "provider_led", None),
        ("1000002", OTHER_AB, "2024-09-01", "2025-03-31", "2.0", "provider_led", None),
        ("1000002", AB, "2025-04-01", None, None, "provider_led", None),
        ("1000003", AB, "2024-09-01", "2026-07-20", "6.0", "provider_led", "pass")]
    audit = query(svc, "select trn, action, actor::text from audit_entries order by trn")
    assert [(trn, action) for trn, action, _ in audit] == [("1000001", "import_in_flight"),
                                                          ("1000002", "import_in_flight"),
                                                          ("1000003", "import_in_flight")]
    assert all(json.loads(actor)["name"] == "In-flight import" for _, _, actor in audit)

    statuses = {e["data"]["trn"]: e["data"] for e in svc.outbox_events("inductions.induction.status_changed")}
    assert {trn: (d["old_status"], d["new_status"]) for trn, d in statuses.items()} == {
        "1000001": (None, "InProgress"), "1000002": (None, "InProgress"), "1000003": (None, "Passed")}
    assert statuses["1000003"]["imported"] is True
    assert statuses["1000003"]["trs_induction"] == {"status": "Passed", "start_date": "2024-09-01",
                                                    "completed_date": "2026-07-20"}
    assert statuses["1000003"]["completed_date"] == "2026-07-20"
    assert len(svc.outbox_events("inductions.period.opened")) == 4
    assert len(svc.outbox_events("inductions.period.closed")) == 2


def test_the_same_file_twice_changes_nothing(svc, files, trs, run):
    write, mapping, _ = files
    path = write(GOOD + BAD)
    run(path, "--mapping", mapping)
    before = (len(svc.outbox_events()), query(svc, "select count(*) from audit_entries"))
    again = run(path, "--mapping", mapping)
    assert (again["teachers_imported"], again["teachers_updated"], again["teachers_unchanged"]) == (0, 0, 3)
    assert again["periods_imported"] == 0
    assert (len(svc.outbox_events()), query(svc, "select count(*) from audit_entries")) == before


def test_a_corrected_file_updates_what_changed_and_says_so(svc, files, trs, run):
    write, mapping, _ = files
    run(write(GOOD), "--mapping", mapping)
    corrected = [line("1000001", end="20/07/2026", terms="6", outcome="Passed")] + GOOD[1:4]
    summary = run(write(corrected, "corrected.csv"), "--mapping", mapping)
    assert (summary["teachers_updated"], summary["teachers_unchanged"], summary["periods_imported"]) == (1, 2, 1)
    assert summary["updated_trns"] == ["1000001"]
    assert query(svc, "select p.outcome from induction_periods p join inductions i on i.id = p.induction_id "
                      "where i.trn = '1000001'") == [("pass",)]
    [update] = [e["data"] for e in svc.outbox_events("inductions.induction.status_changed")
                if e["data"]["trn"] == "1000001" and e["data"]["old_status"] == "InProgress"]
    assert update["new_status"] == "Passed"
    assert [e["data"]["outcome"] for e in svc.outbox_events("inductions.period.updated")] == ["pass"]
    assert ("1000001", "import_in_flight_update") in query(svc, "select trn, action from audit_entries")


def test_a_dry_run_reports_everything_and_writes_nothing(svc, files, trs, run):
    write, mapping, _ = files
    summary = run(write(GOOD + BAD), "--mapping", mapping, "--dry-run")
    assert summary["dry_run"] and summary["teachers_imported"] == 3 and sum(summary["rejected_rows"].values()) == 6
    assert query(svc, "select count(*) from inductions") == [(0,)]
    assert svc.outbox_events() == []


def test_a_record_changed_in_cpd_since_the_import_is_not_overwritten(svc, files, trs, run, ab):
    write, mapping, _ = files
    run(write(GOOD[:1]), "--mapping", mapping)
    passed = ab.post("/ects/1000001/outcome", {"outcome": "pass", "finished_on": TODAY.isoformat(),
                                               "number_of_terms": "6"})
    assert passed.status_code == 200, passed.json
    summary = run(write([line("1000001", end="31/07/2026", terms="6", outcome="fail")], "fix.csv"), "--mapping", mapping)
    assert summary["rejected_rows"] == {"changed_in_cpd_since_import": 1}
    assert query(svc, "select outcome from induction_periods") == [("pass",)]


def test_a_teacher_cpd_already_claimed_is_left_alone(svc, files, trs, run, ab):
    write, mapping, _ = files
    trs.add("1000008", status="RequiredToComplete", qts="2024-07-01", dob="01/04/1995".replace("/", "-"))
    trs.teachers["1000008"]["date_of_birth"] = "1995-04-01"
    assert ab.post("/claims", {"trn": "1000008", "date_of_birth": "1995-04-01",
                               "started_on": "2024-09-01"}).status_code == 201
    summary = run(write([line("1000008")]), "--mapping", mapping)
    assert summary["rejected_rows"] == {"already_recorded_in_cpd": 1}


def test_registering_an_imported_teacher_at_a_school_links_to_the_imported_record(svc, files, trs, run):
    write, mapping, _ = files
    run(write(GOOD[:1]), "--mapping", mapping)
    svc.send("registrations.ect.registered", registered("1000001"))
    svc.consume()
    assert query(svc, "select count(*) from inductions where trn = '1000001'") == [(1,)]
    assert query(svc, "select count(*) from induction_periods") == [(1,)]
    assert [e["data"]["new_status"] for e in svc.outbox_events("inductions.induction.status_changed")] == ["InProgress"]
    assert query(svc, "select trn from school_ects") == [("1000001",)]


def test_a_school_registration_before_the_import_gets_the_imported_periods(svc, files, trs, run):
    write, mapping, _ = files
    svc.send("registrations.ect.registered", registered("1000001"))
    svc.consume()
    summary = run(write(GOOD[:1]), "--mapping", mapping)
    assert summary["teachers_imported"] == 1
    assert [(e["data"]["old_status"], e["data"]["new_status"]) for e in
            svc.outbox_events("inductions.induction.status_changed")] == [(None, "RequiredToComplete"),
                                                                          ("RequiredToComplete", "InProgress")]


def test_without_a_staff_token_the_import_does_not_start(svc, files, clock, monkeypatch):
    write, mapping, _ = files
    monkeypatch.delenv("IMPORT_ACCESS_TOKEN", raising=False)
    assert import_in_flight(svc.settings, [write(GOOD), "--mapping", mapping], clock=clock) == 2


def test_every_trs_call_comes_before_the_first_write_so_the_token_need_last_only_that_long(
        svc, files, trs, token_issuer, monkeypatch):
    """A token that expires once writing has started (trs-sync refusing it from the first transaction on) stops
    nothing: the import asked TRS about every teacher first."""
    write, mapping, _ = files

    class TokenExpiresOnFirstWrite(importer.UnitOfWork):
        def __enter__(self):
            trs.refuse_tokens = True
            return super().__enter__()
    monkeypatch.setattr(importer, "UnitOfWork", TokenExpiresOnFirstWrite)
    grouped = Grouped()
    try:
        with open(write(GOOD + BAD), "rb") as stream:
            grouped.load(stream)
        finder = TrsFinder(svc.settings.trs_sync_url, token_issuer.issue(staff_role="admin"))
        summary = InFlightImport(svc.db, finder, load_mapping(mapping), TODAY, batch_size=2).run(grouped)
    finally:
        grouped.close()
    assert trs.refuse_tokens  # the writing happened, with the token refused from then on
    assert len(trs.finds) == 3  # the 5 teachers the rules let through, 2 a call
    assert (summary.teachers_imported, summary.periods_imported, summary.trs_mismatches) == (3, 4, 2)
    assert query(svc, "select trn from inductions order by trn") == [("1000001",), ("1000002",), ("1000003",)]


def test_a_file_csv_cannot_read_stops_the_cli_with_a_message_not_a_traceback(svc, files, trs, clock, monkeypatch,
                                                                             token_issuer, capsys):
    write, mapping, _ = files
    path = write(GOOD)
    with open(path, "a") as fh:  # an unterminated quote: the field runs on past csv's 128 KB limit
        fh.write('1000009,01/04/1995,"Kingsbridge' + "y" * 200_000 + "\n")
    monkeypatch.setenv("IMPORT_ACCESS_TOKEN", token_issuer.issue(staff_role="admin"))
    capsys.readouterr()
    assert import_in_flight(svc.settings, [path, "--mapping", mapping], clock=clock) == 2
    err = capsys.readouterr().err
    assert "is not a readable CSV file (line 7: field larger than field limit (131072)); nothing was imported" \
        in " ".join(err.split()), err
    assert "Traceback" not in err
    assert query(svc, "select count(*) from inductions") == [(0,)] and trs.finds == []
