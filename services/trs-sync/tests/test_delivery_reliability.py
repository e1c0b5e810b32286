"""Delivery through the edit rules and past TRS's bad days: outages, 429 bursts, every TRS error code."""
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from ecf_shared.bus import amqp
from ecf_shared.bus.consumer import dead_letters
from test_delivery import AB, EVENT, STAFF, T0, change, manual_handling, sync_log
from trs_sync import trs_client as trs
from trs_sync.rate_limit import SharedRateLimit

TEACHERS = ["1000001", "1000002", "1000003", "1000004", "1000005"]


def metric(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def all_sync_log(svc, headers) -> list[dict]:
    return list(reversed(svc.client.get("/sync-log?limit=500", headers=headers).json))


def test_a_trs_outage_loses_nothing_and_each_change_is_settled_once_in_order(svc, trs_standin, staff_headers):
    for trn in TEACHERS:
        trs_standin.seed(trn)
    trs_standin.fault({"mode": "500", "paths": "put"})
    sent = defaultdict(list)
    for trn in TEACHERS:
        sent[trn].append(svc.send(EVENT, change(trn))["event_id"])
        sent[trn].append(svc.send(EVENT, change(trn, "InProgress", at=T0 + timedelta(hours=1), start=date(2026, 9, 1),
                                                old="RequiredToComplete"), actor=AB)["event_id"])
    svc.consume(timeout=2.0)

    refused = trs_standin.received()
    assert refused and all(p["status"] == 500 for p in refused)
    assert len(refused) < 20  # the open circuit stopped the hammering: without it, ~10 events × 20 rounds
    assert metric("trs_sync_circuit_state") == 1
    with amqp.connect(svc.settings.amqp_url, name="test-dlq") as connection:
        assert dead_letters(connection.channel(), "trs-sync") == []
    assert {e["outcome"] for e in all_sync_log(svc, staff_headers)} == {"retry"}

    trs_standin.fault({"mode": "none"})
    svc.consume()
    settled = [e for e in all_sync_log(svc, staff_headers) if e["outcome"] != "retry"]
    assert sorted(e["event_id"] for e in settled) == sorted(i for ids in sent.values() for i in ids)
    for trn in TEACHERS:
        accepted = [p["body"]["modifiedOn"] for p in trs_standin.received(trn=trn) if p["status"] == 204]
        assert accepted == sorted(accepted) and accepted  # an older change never follows a newer one
        assert trs_standin.person(trn)["induction"]["status"] == "InProgress"
    assert metric("trs_sync_circuit_state") == 0
    assert manual_handling(svc, staff_headers) == []


def test_a_burst_of_429s_waits_for_retry_after(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "429", "count": 2, "seconds": 1, "paths": "put"})
    svc.send(EVENT, change())
    svc.consume(quiet_seconds=1.5)  # the message waits out Retry-After outside the main queue
    puts = trs_standin.received(trn="1234567")
    assert [p["status"] for p in puts] == [429, 429, 204]
    at = [datetime.fromisoformat(p["receivedAt"].replace("Z", "+00:00")) for p in puts]
    assert all(later - earlier >= timedelta(seconds=0.95) for earlier, later in zip(at, at[1:], strict=False))
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["retry", "retry", "delivered"]
    assert metric("trs_sync_circuit_state") == 0  # busy is not down


@pytest.mark.parametrize("seed, event, code", [
    (None, change(), "10001"),
    ({"deactivated": True}, change(), "10001"),
    ({"qtsDate": None}, change(), "10034"),
    ({}, change(status="InProgress", old="RequiredToComplete"), "10036"),
    ({}, change(status="Passed", old="InProgress", start=date(2024, 9, 1)), "10037"),
    ({}, change(start=date(2026, 9, 1)), "10038"),
    ({}, change(status="InProgress", old="RequiredToComplete", start=date(2026, 9, 1), completed=date(2026, 9, 2)),
     "10039"),
])
def test_each_trs_refusal_is_handed_to_people_with_its_code(svc, trs_standin, staff_headers, seed, event, code):
    if seed is not None:
        trs_standin.seed("1234567", **seed)
    before = metric("trs_sync_trs_errors_total", code=code)
    svc.send(EVENT, event, actor=AB if event["old_status"] else None)
    svc.consume()
    [item] = manual_handling(svc, staff_headers)
    assert (item["error_code"], item["state"]) == (code, "open") and item["detail"]
    [entry] = sync_log(svc, staff_headers)
    assert (entry["outcome"], entry["error_code"]) == ("manual", code)
    assert metric("trs_sync_trs_errors_total", code=code) == before + 1
    assert metric("trs_sync_manual_handling_open") == 1


@pytest.mark.parametrize("body, code", [
    ({"status": "Exempt"}, "10035"), ({"status": "InProgress"}, "10036"),
    ({"status": "Passed", "startDate": "2024-09-01"}, "10037"),
    ({"status": "RequiredToComplete", "startDate": "2024-09-01"}, "10038"),
    ({"status": "InProgress", "startDate": "2024-09-01", "completedDate": "2025-09-01"}, "10039"),
])
def test_the_client_maps_trs_validation_codes_to_permanent_errors(svc, trs_standin, body, code):
    trs_standin.reset()
    trs_standin.seed("1234567")
    client = trs.TrsClient(trs_standin.url, api_key="dev-trs-key", api_version="20250203", timeout=2,
                           bucket=SharedRateLimit(svc.db, 6000))
    with pytest.raises(trs.Permanent) as raised:
        client.set_cpd_induction("1234567", {**body, "modifiedOn": "2026-09-01T09:00:00Z"})
    assert (raised.value.status, raised.value.error_code) == (400, code)


def test_a_pass_the_rules_refuse_never_reaches_trs(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="Passed", old="InProgress", start=date(2024, 9, 1), completed=date(2026, 7, 20)),
             actor={"type": "school_user", "user_id": "u"})
    svc.consume()
    assert trs_standin.received(trn="1234567") == []
    [item] = manual_handling(svc, staff_headers)
    assert item["error_code"] == "passed_needs_cpd_record" and "through CPD" in item["detail"]


@pytest.mark.parametrize("days_later, outcome", [(10, "delivered"), (45, "manual")])
def test_a_reversal_reaches_trs_only_inside_its_window(svc, trs_standin, staff_headers, days_later, outcome):
    trs_standin.seed("1234567")
    passed = date(2026, 8, 31)
    svc.send(EVENT, change(status="Passed", old="InProgress", start=date(2024, 9, 1), completed=passed), actor=AB)
    svc.consume()
    svc.send(EVENT, change(status="Failed", old="Passed", start=date(2024, 9, 1), completed=passed,
                           at=T0 + timedelta(days=days_later)), actor=STAFF)
    svc.consume()
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["delivered", outcome]
    expected = "Failed" if outcome == "delivered" else "Passed"
    assert trs_standin.person("1234567")["induction"]["status"] == expected
    if outcome == "manual":
        [item] = manual_handling(svc, staff_headers)
        assert item["error_code"] == "outside_window"


def test_an_older_change_never_follows_a_newer_one_handed_to_people(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="Exempt", old="RequiredToComplete", at=T0 + timedelta(hours=1)), actor=STAFF)
    svc.consume()
    svc.send(EVENT, change())  # older: registered before the exemption
    svc.consume()
    assert trs_standin.received(trn="1234567") == []
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["manual", "superseded"]


def test_a_probe_answered_429_after_an_outage_reopens_the_flow(svc, trs_standin, staff_headers):
    """The half-open probe gets a 429: TRS is up, so the circuit closes and everything is delivered."""
    for trn in TEACHERS:
        trs_standin.seed(trn)
    trs_standin.fault({"mode": "500", "count": 3, "paths": "put"}, {"mode": "429", "count": 1, "seconds": 1, "paths": "put"})
    for trn in TEACHERS:
        svc.send(EVENT, change(trn))
    svc.consume(quiet_seconds=2.0, timeout=20)  # one worker, one breaker: opens, probes, gets the 429
    statuses = [p["status"] for p in trs_standin.received()]
    assert statuses[:4] == [500, 500, 500, 429]
    assert {p["trn"] for p in trs_standin.received() if p["status"] == 204} == set(TEACHERS)
    assert metric("trs_sync_circuit_state") == 0
