"""The in-flight import through the staff-only upload: stored and queued by the web request, run by the worker (one
worker per import however many race for it, taken again when its worker dies), with the summary and the rejected
rows the CLI gives for the same file."""
import csv
import io
import json
import threading
import uuid

import pytest

from conftest import AB, Api, ab_token
from inductions.domain.in_flight import COLUMNS
from inductions.in_flight.cli import import_in_flight
from inductions.in_flight.uploads import UploadWorker
from test_in_flight_import import BAD, GOOD, MAPPING, line, query, trs  # noqa: F401 - trs: the teachers TRS knows

PATH = "/admin/in-flight-imports"


@pytest.fixture(autouse=True)
def _trs_knows_the_teachers(svc, request):
    request.getfixturevalue("trs")  # once svc has emptied the stand-in


def csv_bytes(rows, header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


class Uploader(Api):
    def upload(self, content: bytes | None, *, name="legacy.csv", mapping: bytes | None = MAPPING.encode(), **form):
        data = {k: str(v) for k, v in form.items()}
        if content is not None:
            data["file"] = (io.BytesIO(content), name)
        if mapping is not None:
            data["mapping"] = (io.BytesIO(mapping), "mapping.csv")
        return self.client.post(PATH, data=data, headers=self.headers, content_type="multipart/form-data")


@pytest.fixture
def staff(svc, token_issuer, monkeypatch):
    monkeypatch.delenv("IMPORT_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("IMPORT_ACCESS_TOKEN_FILE", raising=False)
    return Uploader(svc.client, token_issuer.issue(staff_role="admin", email="sam@education.gov.uk", name="Sam Staff"))


@pytest.fixture
def worker(svc, clock):
    return UploadWorker(svc.settings, svc.db, clock=clock, progress_seconds=0)


def uploaded(response) -> str:
    assert response.status_code == 202, response.json
    return response.json["id"]


def cli_summary(svc, clock, monkeypatch, token_issuer, capsys, tmp_path, content: bytes, *args) -> dict:
    (tmp_path / "legacy.csv").write_bytes(content)
    (tmp_path / "mapping.csv").write_text(MAPPING)
    monkeypatch.setenv("IMPORT_ACCESS_TOKEN", token_issuer.issue(staff_role="admin"))
    capsys.readouterr()
    argv = ["--json", str(tmp_path / "legacy.csv"), "--mapping", str(tmp_path / "mapping.csv"),
            "--rejects", str(tmp_path / "rejects.csv"), *args]
    assert import_in_flight(svc.settings, argv, clock=clock) == 0
    return json.loads(capsys.readouterr().out)


def test_an_upload_is_imported_by_the_worker_with_the_summary_and_rejects_the_cli_gives(
        svc, staff, worker, fake_trs_sync, clock, monkeypatch, token_issuer, capsys, tmp_path):
    content = csv_bytes(GOOD + BAD)
    response = staff.upload(content)
    import_id = uploaded(response)
    assert response.headers["Location"] == f"{PATH}/{import_id}"
    queued = staff.get(f"{PATH}/{import_id}").json
    assert (queued["status"], queued["summary"], queued["progress"]["rows_read"]) == ("queued", None, 0)
    assert queued["uploaded_by"]["email"] == "sam@education.gov.uk" and queued["file_bytes"] == len(content)
    assert query(svc, "select count(*) from inductions") == [(0,)]  # nothing imported by the web request
    assert fake_trs_sync.finds == []

    assert worker.run_once() is True
    assert worker.run_once() is False  # nothing else queued
    done = staff.get(f"{PATH}/{import_id}").json
    assert done["status"] == "finished" and done["error"] is None and done["attempts"] == 1
    assert done["progress"] == {"phase": "writing", "bytes_read": len(content), "bytes_total": len(content),
                                "rows_read": 10, "teachers_checked": 7, "teachers_total": 7,
                                "teachers_to_write": 3, "teachers_written": 3}
    summary = done["summary"]
    assert (summary["rows_read"], summary["teachers_imported"], summary["periods_imported"],
            summary["trs_mismatches"], summary["dry_run"]) == (10, 3, 4, 2, False)
    assert summary["rejected_rows"] == {"duplicate_row": 1, "other_row_rejected": 1, "start_in_future": 1,
                                        "trs_completed": 1, "trs_not_found": 1, "unknown_appropriate_body": 1}
    [asked] = fake_trs_sync.finds
    assert asked["authorization"] == staff.headers["Authorization"]  # the uploader's token, forwarded

    # Every change names the uploader as its author and the import it came from.
    audit = query(svc, "select trn, action, actor::text, details::text from audit_entries order by trn")
    assert [(trn, action) for trn, action, _, _ in audit] == [("1000001", "import_in_flight"),
                                                              ("1000002", "import_in_flight"),
                                                              ("1000003", "import_in_flight")]
    for _, _, actor, details in audit:
        assert json.loads(actor)["type"] == "staff" and json.loads(actor)["email"] == "sam@education.gov.uk"
        assert json.loads(details)["import_id"] == import_id and json.loads(details)["source"] == "legacy.csv"
    assert {e["actor"]["email"] for e in svc.outbox_events()} == {"sam@education.gov.uk"}
    assert query(svc, "select count(*), bool_and(access_token is null) from in_flight_uploads") == [(1, True)]
    assert query(svc, "select count(*) from in_flight_upload_chunks") == [(0,)]  # the file is not kept

    rejects = staff.get(f"{PATH}/{import_id}/rejects.csv")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    rejected = [(r["Line"], r["Reason"], r["TRN"]) for r in csv.DictReader(io.StringIO(rejects.get_data(as_text=True)))]
    assert rejected == [("6", "duplicate_row", "1000001"), ("7", "start_in_future", "1000004"),
                        ("8", "unknown_appropriate_body", "1000005"), ("9", "other_row_rejected", "1000005"),
                        ("10", "trs_completed", "1000006"), ("11", "trs_not_found", "1000007")]

    # The CLI, on the same file in the same state, says the same.
    svc.reset()
    assert cli_summary(svc, clock, monkeypatch, token_issuer, capsys, tmp_path, content) == summary
    assert (tmp_path / "rejects.csv").read_bytes() == rejects.get_data()


def test_a_dry_run_upload_reports_everything_and_writes_nothing(svc, staff, worker):
    import_id = uploaded(staff.upload(csv_bytes(GOOD + BAD), dry_run="true"))
    assert worker.run_once()
    done = staff.get(f"{PATH}/{import_id}").json
    assert done["dry_run"] and done["summary"]["dry_run"] and done["summary"]["teachers_imported"] == 3
    assert done["summary"]["rejected_rows_total"] == 6
    for table in ("inductions", "induction_periods", "audit_entries", "in_flight_imports"):
        assert query(svc, f"select count(*) from {table}") == [(0,)], table
    assert svc.outbox_events() == []
    assert staff.get(f"{PATH}/{import_id}/rejects.csv").get_data(as_text=True).count("\n") == 7


def test_two_workers_racing_for_an_import_run_it_exactly_once(svc, staff, worker, fake_trs_sync, clock):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    other = UploadWorker(svc.settings, svc.db, clock=clock, progress_seconds=0)
    start, results = threading.Barrier(2), {}

    def race(name, runner):
        start.wait()
        results[name] = runner.run_once()

    threads = [threading.Thread(target=race, args=(n, w)) for n, w in (("one", worker), ("other", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == [False, True]
    assert len(fake_trs_sync.finds) == 1
    assert query(svc, "select count(*) from audit_entries") == [(3,)]
    assert staff.get(f"{PATH}/{import_id}").json["attempts"] == 1


def test_a_running_import_is_not_taken_by_another_worker(svc, staff, worker, clock):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    other = UploadWorker(svc.settings, svc.db, clock=clock, progress_seconds=0)
    running, go_on = threading.Event(), threading.Event()
    process = worker.process

    def slow(row):
        running.set()
        go_on.wait(30)
        process(row)

    worker.process = slow
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    try:
        assert running.wait(30)
        assert staff.get(f"{PATH}/{import_id}").json["status"] == "running"
        assert other.run_once() is False
    finally:
        go_on.set()
        thread.join(60)
    assert other.run_once() is False
    assert staff.get(f"{PATH}/{import_id}").json["status"] == "finished"
    assert query(svc, "select count(*) from audit_entries") == [(3,)]


def test_an_import_whose_worker_died_is_taken_again_and_finished(svc, staff, worker, clock):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    claim = worker.claim()
    assert claim is not None and claim.row.id == import_id
    other = UploadWorker(svc.settings, svc.db, clock=clock, progress_seconds=0)
    assert other.run_once() is False  # its worker is alive
    claim.connection.invalidate()  # the worker dies: its connection, and the lock with it, go
    assert staff.get(f"{PATH}/{import_id}").json["status"] == "running"
    assert other.run_once() is True
    done = staff.get(f"{PATH}/{import_id}").json
    assert (done["status"], done["attempts"], done["summary"]["teachers_imported"]) == ("finished", 2, 3)


def test_a_stopping_worker_puts_its_import_back_in_the_queue(svc, staff, worker, clock):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    worker.stop = threading.Event()
    worker.stop.set()
    assert worker.run_once()
    queued = staff.get(f"{PATH}/{import_id}").json
    assert (queued["status"], queued["attempts"]) == ("queued", 0)
    assert query(svc, "select count(*) from inductions") == [(0,)]
    assert UploadWorker(svc.settings, svc.db, clock=clock).run_once()
    assert staff.get(f"{PATH}/{import_id}").json["status"] == "finished"


def test_an_import_trs_sync_refuses_the_token_of_fails_and_says_why(svc, staff, worker, fake_trs_sync):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    fake_trs_sync.refuse_tokens = True
    assert worker.run_once()
    failed = staff.get(f"{PATH}/{import_id}").json
    assert failed["status"] == "failed" and failed["error"]["code"] == "token_refused"
    assert "upload the file again" in failed["error"]["message"]
    assert staff.get(f"{PATH}/{import_id}/rejects.csv").status_code == 409
    assert query(svc, "select count(*) from in_flight_upload_chunks") == [(0,)]


def test_a_file_unreadable_past_its_first_rows_fails_the_import_without_stopping_the_worker(svc, staff, worker):
    content = csv_bytes(GOOD) + b"x" * 70_000 + b',"' + b"y" * 200_000 + b'"\n'  # a field past csv's limit
    import_id = uploaded(staff.upload(content))
    assert worker.run_once()
    failed = staff.get(f"{PATH}/{import_id}").json
    assert failed["status"] == "failed" and failed["error"]["code"] == "unreadable_file", failed
    assert worker.run_once() is False


def test_the_imports_are_listed_newest_first_a_page_at_a_time(svc, staff, token_issuer):
    ids = [uploaded(staff.upload(csv_bytes(GOOD[:1]), name=f"file-{n}.csv")) for n in range(3)]
    first = staff.get(f"{PATH}?page_size=2")
    assert first.status_code == 200
    assert [i["id"] for i in first.json] == ids[::-1][:2]
    assert json.loads(first.headers["X-Pagination"])["total"] == 3
    assert [i["file_name"] for i in staff.get(f"{PATH}?page=2&page_size=2").json] == ["file-0.csv"]
    assert staff.get(f"{PATH}?page={2**63}").json == []
    support = Api(svc.client, token_issuer.issue(staff_role="support"))
    assert support.get(PATH).status_code == 200 and support.get(f"{PATH}/{ids[0]}").status_code == 200


def test_only_dfe_staff_admins_upload_and_only_dfe_staff_read(svc, staff, token_issuer):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    anonymous = Uploader(svc.client, "")
    anonymous.headers = {}
    assert anonymous.upload(csv_bytes(GOOD)).status_code == 401
    for path in (PATH, f"{PATH}/{import_id}", f"{PATH}/{import_id}/rejects.csv"):
        assert svc.client.get(path).status_code == 401, path
    appropriate_body = Uploader(svc.client, ab_token(token_issuer, AB, role="approver"))
    support = Uploader(svc.client, token_issuer.issue(staff_role="support"))
    assert appropriate_body.upload(csv_bytes(GOOD)).status_code == 403
    refused = support.upload(csv_bytes(GOOD))
    assert refused.status_code == 403 and refused.json["code"] == "staff_role_forbids"
    for path in (PATH, f"{PATH}/{import_id}", f"{PATH}/{import_id}/rejects.csv"):
        assert appropriate_body.get(path).status_code == 403, path
    assert appropriate_body.upload(None, mapping=None).status_code == 403  # refused before the form is read
    assert query(svc, "select count(*) from in_flight_uploads") == [(1,)]


@pytest.mark.parametrize(("content", "field", "message"), [
    (None, "file", "Select the legacy CSV file of in-flight inductions."),
    (b"", "file", "The selected file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file", "The selected file must be a CSV file with the header row: TRN, "),
    (b"trn,date_of_birth\n1234567,1995-04-01\n", "file", "The selected file must be a CSV file with the header row"),
    (csv_bytes([]), "file", "The selected file has no rows after the header row."),
])
def test_an_upload_without_a_usable_file_gets_422_with_the_field_message(svc, staff, content, field, message):
    response = staff.upload(content)
    assert response.status_code == 422, response.json
    [said] = response.json["fields"][field]
    assert said.startswith(message)
    assert query(svc, "select count(*) from in_flight_uploads") == [(0,)]


def test_a_file_part_with_no_file_chosen_is_a_missing_file(svc, staff):
    response = svc.client.post(PATH, data={"file": (io.BytesIO(b""), "")}, headers=staff.headers,
                               content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["fields"]


@pytest.mark.parametrize(("mapping", "message"), [
    (b"", "The selected mapping file is empty."),
    (b"name,id\nNorth LA,x\n", "The mapping file: mapping.csv: the header must be 'legacy name,appropriate body id'."),
    (f"legacy name,appropriate body id\nNorth LA,{AB}\nnorth  la,{uuid.uuid4()}\n".encode(),
     "The mapping file: mapping.csv line 3: 'north  la' is mapped twice, to different ids."),
    (b"legacy name,appropriate body id\n\xff\xfe\n", "The mapping file must be UTF-8 text: save it as CSV UTF-8."),
])
def test_an_unusable_mapping_file_gets_422_on_the_mapping_field(svc, staff, mapping, message):
    response = staff.upload(csv_bytes(GOOD), mapping=mapping)
    assert response.status_code == 422 and response.json["fields"] == {"mapping": [message]}, response.json


def test_dry_run_must_be_true_or_false(svc, staff):
    response = staff.upload(csv_bytes(GOOD), dry_run="perhaps")
    assert response.status_code == 422 and list(response.json["fields"]) == ["dry_run"]


def test_a_file_over_the_limit_gets_422_and_a_body_far_over_it_413(svc, staff, monkeypatch):
    context = svc.app.extensions["ecf"]
    monkeypatch.setattr(context, "settings", context.settings.with_overrides(in_flight_upload_max_bytes=200))
    content = csv_bytes(GOOD)
    assert len(content) > 200
    too_large = staff.upload(content)
    assert too_large.status_code == 422
    assert too_large.json["fields"] == {"file": ["The selected file must be smaller than 200 bytes."]}
    far_too_large = staff.upload(content + b"1000009,01/04/1995,North LA,01/09/2024,,,FIP,\n" * 70_000)
    assert far_too_large.status_code == 413
    assert query(svc, "select count(*) from in_flight_uploads") == [(0,)]


def test_a_file_without_a_mapping_uses_our_ids_as_the_cli_does(svc, staff, worker):
    import_id = uploaded(staff.upload(csv_bytes([line("1000001", ab=AB)]), mapping=None))
    assert staff.get(f"{PATH}/{import_id}").json["mapping_file_name"] is None
    assert worker.run_once()
    assert staff.get(f"{PATH}/{import_id}").json["summary"]["teachers_imported"] == 1


def test_an_unknown_import_is_404(svc, staff):
    unknown = uuid.uuid4()
    for path in (f"{PATH}/{unknown}", f"{PATH}/{unknown}/rejects.csv", f"{PATH}/not-an-id"):
        response = staff.get(path)
        assert response.status_code == 404, path


def test_the_rejects_of_an_import_not_finished_yet_are_409(svc, staff):
    import_id = uploaded(staff.upload(csv_bytes(GOOD)))
    response = staff.get(f"{PATH}/{import_id}/rejects.csv")
    assert response.status_code == 409 and response.json["code"] == "import_not_finished"
