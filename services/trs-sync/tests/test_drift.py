"""Drift detection against the real database and the TRS stand-in: console edits are found, classified by the edit
rules, published once, and the reader keeps to TRS's batch size, our rate limit and the circuit breaker."""
import threading
import time
from datetime import date, datetime, timedelta, UTC

import pytest
import requests
from prometheus_client import REGISTRY
from sqlalchemy import insert, text

from test_delivery import AB, EVENT, change, manual_handling
from trs_sync import trs_client as trs
from trs_sync.adapters import watched_teachers
from trs_sync.circuit_breaker import CircuitBreaker
from trs_sync.drift_check import RUNNER_LOCK, DriftCheck
from trs_sync.rate_limit import SharedRateLimit

DRIFT = "trs-sync.induction.changed_in_trs"
DOB = "1990-05-17"
START = date(2026, 9, 1)
RECENTLY = datetime.now(UTC).date() - timedelta(days=5)


def console_edit(standin, trn: str, status: str, **fields) -> None:
    response = requests.post(f"{standin.url}/_test/console-edit", json={"trn": trn, "status": status, **fields},
                             timeout=5)
    assert response.status_code == 200, response.text


def drift_check(svc, **kw) -> DriftCheck:
    return DriftCheck.from_settings(svc.settings, svc.db) if not kw else DriftCheck(
        svc.db, kw.pop("client", trs.TrsClient.from_settings(svc.settings, svc.db)),
        kw.pop("breaker", CircuitBreaker(svc.db, 3, 30)), **kw)


def reported(svc) -> list[dict]:
    return [e["data"] for e in svc.outbox_events(DRIFT)]


def drift_metric(classification: str) -> float:
    return REGISTRY.get_sample_value("trs_sync_drift_found_total", {"classification": classification}) or 0.0


@pytest.fixture
def in_progress(svc, trs_standin, user_headers):
    """Teachers looked up (which brings their date of birth) whose induction CPD sent to TRS as in progress."""
    def make(trn: str = "1234567", status: str = "InProgress", completed: date | None = None) -> str:
        trs_standin.seed(trn, dateOfBirth=DOB)
        assert svc.client.get(f"/teachers/{trn}?date_of_birth={DOB}", headers=user_headers).status_code == 200
        svc.send(EVENT, change(trn, "InProgress", start=START, old="RequiredToComplete"), actor=AB)
        if status == "Passed":
            svc.send(EVENT, change(trn, "Passed", at=datetime.now(UTC), start=START, completed=completed,
                                   old="InProgress"), actor=AB)
        svc.consume()
        assert trs_standin.person(trn)["induction"]["status"] == status
        return trn
    return make


def test_a_console_exemption_of_an_induction_in_progress_is_published_as_permitted(svc, trs_standin, in_progress,
                                                                                  staff_headers):
    trn = in_progress()
    before = drift_metric("permitted")
    console_edit(trs_standin, trn, "Exempt")

    summary = drift_check(svc).run()

    assert (summary.watched, summary.permitted, summary.manual_review, summary.stopped) == (1, 1, 0, None)
    [event] = reported(svc)
    assert event["trn"] == trn and event["classification"] == "permitted" and event["rule"] == "exempt_in_progress"
    assert event["cpd"] == {"status": "InProgress", "start_date": "2026-09-01", "completed_date": None}
    assert event["trs"] == {"status": "Exempt", "start_date": None, "completed_date": None}
    assert manual_handling(svc, staff_headers) == []
    assert drift_metric("permitted") == before + 1


def test_the_same_drift_is_not_published_twice_and_an_applied_exemption_ends_the_watch(svc, trs_standin, in_progress):
    trn = in_progress()
    console_edit(trs_standin, trn, "Exempt")
    drift_check(svc).run()

    again = drift_check(svc).run()
    assert (again.watched, again.permitted, again.manual_review) == (1, 0, 0)
    assert len(reported(svc)) == 1

    svc.send(EVENT, change(trn, "Exempt", at=datetime.now(UTC), old="InProgress", source="trs"))
    svc.consume()  # inductions applied it: CPD's record is closed
    assert drift_check(svc).run().watched == 0


def test_other_console_edits_go_to_manual_review_and_the_queue(svc, trs_standin, in_progress, staff_headers):
    moved = in_progress("1000001")
    passed = in_progress("1000002", status="Passed", completed=RECENTLY)
    console_edit(trs_standin, moved, "InProgress", startDate="2026-10-01")
    console_edit(trs_standin, passed, "Failed", startDate="2026-09-01", completedDate=RECENTLY.isoformat(), force=True)
    before = drift_metric("manual_review")

    summary = drift_check(svc).run()

    assert (summary.watched, summary.permitted, summary.manual_review) == (2, 0, 2)
    events = {e["trn"]: e for e in reported(svc)}
    assert {t: (e["classification"], e["rule"]) for t, e in events.items()} == {
        moved: ("manual_review", "managed_by_cpd"), passed: ("manual_review", "managed_by_cpd")}
    assert events[passed]["cpd"]["status"] == "Passed" and events[passed]["trs"]["status"] == "Failed"
    items = {i["trn"]: i for i in manual_handling(svc, staff_headers)}
    assert {t: (i["kind"], i["error_code"], i["old_status"], i["status"]) for t, i in items.items()} == {
        moved: ("drift", "managed_by_cpd", "InProgress", "InProgress"),
        passed: ("drift", "managed_by_cpd", "Passed", "Failed")}
    assert items[moved]["start_date"] == "2026-10-01" and "CPD last sent InProgress" in items[moved]["detail"]
    assert drift_metric("manual_review") == before + 2
    refused = svc.client.post(f"/manual-handling/{items[moved]['id']}/retry", headers=staff_headers)
    assert refused.status_code == 409 and refused.json["code"] == "drift_not_retryable"

    assert drift_check(svc).run().manual_review == 0  # reported once
    console_edit(trs_standin, moved, "InProgress", startDate="2026-09-01")  # put right in the TRS console
    assert drift_check(svc).run().back_in_line == 1
    states = {i["trn"]: i["state"] for i in manual_handling(svc, staff_headers)}
    assert states == {moved: "resolved", passed: "open"}
    assert len(reported(svc)) == 2


def test_no_change_in_trs_publishes_nothing(svc, trs_standin, in_progress):
    in_progress("1000001")
    in_progress("1000002", status="Passed", completed=RECENTLY)
    summary = drift_check(svc).run()
    assert (summary.watched, summary.requests, summary.permitted, summary.manual_review) == (2, 1, 0, 0)
    assert reported(svc) == []


def test_teachers_never_looked_up_cannot_be_read_and_are_counted(svc, trs_standin):
    trs_standin.seed("1234567")
    svc.send(EVENT, change("1234567", "InProgress", start=START, old="RequiredToComplete"), actor=AB)
    svc.consume()
    summary = drift_check(svc).run()
    assert (summary.watched, summary.without_date_of_birth, summary.requests) == (0, 1, 0)


def seed_watched(svc, trs_standin, count: int) -> list[str]:
    trns = [f"{3000000 + i}" for i in range(count)]
    persons = [{"trn": t, "firstName": "Ada", "lastName": "Lovelace", "dateOfBirth": DOB, "qtsDate": "2023-07-01",
                "inductionStatus": "InProgress", "inductionStartDate": "2026-09-01",
                "cpdModifiedOn": "2026-09-01T09:00:00Z"} for t in trns]
    requests.post(f"{trs_standin.url}/_test/persons", json={"persons": persons}, timeout=30).raise_for_status()
    with svc.db.engine.begin() as conn:
        conn.execute(insert(watched_teachers), [
            {"trn": t, "date_of_birth": date(1990, 5, 17), "cpd_status": "InProgress", "cpd_start_date": START,
             "cpd_changed_at": datetime(2026, 9, 1, 9, tzinfo=UTC), "watch_until": date.max} for t in trns])
    return trns


def test_trs_is_read_500_teachers_at_a_time(svc, trs_standin):
    seed_watched(svc, trs_standin, 1201)
    summary = drift_check(svc).run()
    finds = trs_standin.received("find")
    assert [len(f["body"]["persons"]) for f in finds] == [500, 500, 201]
    assert all(f["status"] == 200 for f in finds)
    assert (summary.watched, summary.requests, summary.not_found, summary.permitted) == (1201, 3, 0, 0)


def test_the_reader_waits_for_the_shared_rate_limit(svc, trs_standin):
    seed_watched(svc, trs_standin, 4)
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        time.sleep(seconds)

    bucket = SharedRateLimit(svc.db, 30, sleep=sleep)  # windows of 6 s allowing 3 requests each
    client = trs.TrsClient(trs_standin.url, api_key="dev-trs-key", api_version="20250203", timeout=2, bucket=bucket)
    summary = drift_check(svc, client=client, batch_size=1, sleep=sleep).run()
    assert summary.watched == 4 and summary.stopped is None
    assert len(trs_standin.received("find")) == 4
    assert 0 < sum(slept) <= 6.5  # the fourth waited for the next window


def test_an_open_circuit_stops_the_run_and_trs_failures_open_it(svc, trs_standin):
    seed_watched(svc, trs_standin, 3)
    trs_standin.fault({"mode": "500", "paths": "find"})
    breaker = CircuitBreaker(svc.db, 2, 30)
    first = drift_check(svc, breaker=breaker, batch_size=1).run()
    assert first.stopped.startswith("TRS did not answer") and first.watched == 0
    drift_check(svc, breaker=breaker, batch_size=1).run()
    assert breaker.state == "open"
    third = drift_check(svc, breaker=breaker, batch_size=1).run()
    assert third.stopped == "TRS looks down: the circuit breaker is open" and third.requests == 0
    assert len(trs_standin.received("find")) == 2


def test_only_one_runner_at_a_time(svc, trs_standin):
    seed_watched(svc, trs_standin, 1)
    with svc.db.engine.connect() as conn:
        conn.execute(text("select pg_advisory_lock(hashtextextended(:key, 0))"), {"key": RUNNER_LOCK})
        try:
            assert drift_check(svc).run().ran is False
        finally:
            conn.execute(text("select pg_advisory_unlock(hashtextextended(:key, 0))"), {"key": RUNNER_LOCK})
    assert trs_standin.received("find") == []
    assert drift_check(svc).run().ran is True


def test_the_command_prints_a_summary(svc, trs_standin, capsys):
    from trs_sync.commands import drift_check as command

    seed_watched(svc, trs_standin, 2)
    assert command(svc.settings, []) == 0
    assert '"watched": 2' in capsys.readouterr().out


def test_the_worker_checks_every_interval_and_zero_turns_it_off(svc, trs_standin):
    from ecf_shared.service import build_workers
    from trs_sync.definition import DEFINITION

    seed_watched(svc, trs_standin, 1)
    assert build_workers(DEFINITION, svc.settings.with_overrides(trs_drift_check_interval_seconds=0), relay=False,
                         consume=True)[-1][0] == "consumer"
    [(name, loop)] = DEFINITION.background(svc.settings.with_overrides(trs_drift_check_interval_seconds=0.05), svc.db)
    assert name == "drift-check"
    stop = threading.Event()
    worker = threading.Thread(target=loop.run_forever, args=(stop,))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while len(trs_standin.received("find")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(5)
    assert len(trs_standin.received("find")) >= 2 and not worker.is_alive()


def test_a_restarted_worker_waits_out_the_interval_since_the_last_run(svc, trs_standin):
    """Workers restart (deploys, scaling): each start must not read every watched teacher from TRS again."""
    from trs_sync.definition import DEFINITION

    seed_watched(svc, trs_standin, 1)
    assert drift_check(svc).run().ran
    asked = len(trs_standin.received("find"))
    [(_, loop)] = DEFINITION.background(svc.settings.with_overrides(trs_drift_check_interval_seconds=3600), svc.db)
    assert 3590 < loop.check.seconds_until_due(3600) <= 3600
    stop = threading.Event()
    worker = threading.Thread(target=loop.run_forever, args=(stop,))
    worker.start()
    time.sleep(1.5)
    stop.set()
    worker.join(5)
    assert len(trs_standin.received("find")) == asked and not worker.is_alive()
    with svc.db.engine.connect() as conn:
        [summary] = conn.execute(text("select summary from drift_check_runs")).scalars().all()
    assert summary["watched"] == 1


def test_a_teacher_trs_no_longer_finds_is_counted_not_reported(svc, trs_standin):
    [trn] = seed_watched(svc, trs_standin, 1)
    trs_standin.seed(trn, dateOfBirth="1991-01-01", inductionStatus="Exempt")  # date of birth corrected in TRS
    summary = drift_check(svc).run()
    assert (summary.watched, summary.not_found, summary.permitted) == (1, 1, 0)
    assert reported(svc) == []
