"""Induction status changes from inductions reach TRS as TRS expects: newest wins, once; refusals go to people."""
import json
import uuid
from datetime import date, datetime, timedelta, UTC

import pika

from ecf_shared.bus import amqp

EVENT = "inductions.induction.status_changed"
T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


AB = {"type": "appropriate_body_user", "user_id": "ab-user-1"}
STAFF = {"type": "staff", "user_id": "staff-1"}


def change(trn="1234567", status="RequiredToComplete", at=T0, start=None, completed=None, source="cpd", old=None):
    return {"induction_id": str(uuid.uuid4()), "trn": trn, "old_status": old, "new_status": status,
            "start_date": start, "completed_date": completed, "changed_at": at, "source": source}


def sync_log(svc, headers, trn="1234567") -> list[dict]:
    response = svc.client.get(f"/sync-log?trn={trn}", headers=headers)
    assert response.status_code == 200, response.json
    return list(reversed(response.json))  # oldest first


def manual_handling(svc, headers) -> list[dict]:
    response = svc.client.get("/manual-handling", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_required_to_complete_reaches_trs_as_trs_expects(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    sent = svc.send(EVENT, change())
    svc.consume()
    [put] = trs_standin.received(trn="1234567")
    assert (put["method"], put["path"], put["status"]) == ("PUT", "/v3/persons/1234567/cpd-induction", 204)
    assert put["body"] == {"status": "RequiredToComplete", "modifiedOn": "2026-09-01T09:00:00.000000Z"}
    assert trs_standin.person("1234567")["cpdInduction"]["status"] == "RequiredToComplete"
    [entry] = sync_log(svc, staff_headers)
    assert entry["outcome"] == "delivered" and entry["response_status"] == 204
    assert entry["event_id"] == sent["event_id"] and entry["request_body"] == put["body"]
    assert entry["duration_ms"] is not None and entry["error_code"] is None


def test_passed_carries_both_dates(svc, trs_standin):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="Passed", start=date(2024, 9, 1), completed=date(2026, 7, 20), old="InProgress"),
             actor=AB)
    svc.consume()
    [put] = trs_standin.received(trn="1234567")
    assert put["status"] == 204
    assert put["body"] == {"status": "Passed", "startDate": "2024-09-01", "completedDate": "2026-07-20",
                           "modifiedOn": "2026-09-01T09:00:00.000000Z"}


def test_an_older_change_arriving_late_is_superseded_without_calling_trs(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="InProgress", at=T0 + timedelta(days=1), start=date(2026, 9, 1),
                           old="RequiredToComplete"), actor=AB)
    svc.consume()
    svc.send(EVENT, change(status="RequiredToComplete", at=T0))
    svc.consume()
    assert [p["body"]["status"] for p in trs_standin.received(trn="1234567")] == ["InProgress"]
    assert trs_standin.person("1234567")["induction"]["status"] == "InProgress"
    assert [(e["outcome"], e["response_status"]) for e in sync_log(svc, staff_headers)] == [
        ("delivered", 204), ("superseded", None)]


def test_stale_answer_from_trs_is_superseded_not_retried(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567", inductionStatus="InProgress", inductionStartDate="2026-09-01",
                     cpdModifiedOn="2026-12-01T00:00:00Z")
    svc.send(EVENT, change())
    svc.consume()
    assert [p["status"] for p in trs_standin.received(trn="1234567")] == [409]
    assert trs_standin.person("1234567")["induction"]["status"] == "InProgress"
    [entry] = sync_log(svc, staff_headers)
    assert (entry["outcome"], entry["response_status"], entry["error_code"]) == ("superseded", 409, "10033")
    assert manual_handling(svc, staff_headers) == []


def test_a_duplicate_event_is_delivered_once(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    body = svc.send(EVENT, change())
    with amqp.connect(svc.settings.amqp_url, name="test-duplicate") as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish("inductions.events", EVENT, json.dumps(body).encode(),
                              pika.BasicProperties(message_id=body["event_id"], delivery_mode=2), mandatory=True)
    svc.consume()
    assert len(trs_standin.received(trn="1234567")) == 1
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["delivered"]


def test_trs_500_is_retried_and_delivered_once(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "500", "count": 1, "paths": "put"})
    svc.send(EVENT, change())
    svc.consume()
    assert [p["status"] for p in trs_standin.received(trn="1234567")] == [500, 204]
    assert [(e["outcome"], e["response_status"]) for e in sync_log(svc, staff_headers)] == [
        ("retry", 500), ("delivered", 204)]


def test_trs_rate_limit_is_retried(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    trs_standin.fault({"mode": "429", "count": 1, "seconds": 0, "paths": "put"})
    svc.send(EVENT, change())
    svc.consume()
    assert [p["status"] for p in trs_standin.received(trn="1234567")] == [429, 204]
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["retry", "delivered"]


def test_a_permanent_refusal_goes_to_manual_handling_with_trs_error_code(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567", qtsDate=None)
    sent = svc.send(EVENT, change())
    svc.consume()
    assert [(p["status"], p["errorCode"]) for p in trs_standin.received(trn="1234567")] == [(400, 10034)]
    [item] = manual_handling(svc, staff_headers)
    assert item["trn"] == "1234567" and item["event_id"] == sent["event_id"]
    assert (item["status"], item["error_code"], item["state"]) == ("RequiredToComplete", "10034", "open")
    assert item["detail"]
    [entry] = sync_log(svc, staff_headers)
    assert (entry["outcome"], entry["response_status"], entry["error_code"]) == ("manual", 400, "10034")


def test_exempt_goes_to_manual_handling_without_calling_trs(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="Exempt", old="RequiredToComplete"), actor=STAFF)
    svc.consume()
    assert trs_standin.received(trn="1234567") == []
    [item] = manual_handling(svc, staff_headers)
    assert (item["status"], item["error_code"]) == ("Exempt", "status_not_sendable")
    assert [e["outcome"] for e in sync_log(svc, staff_headers)] == ["manual"]


def test_changes_made_in_trs_are_not_sent_back(svc, trs_standin, staff_headers):
    trs_standin.seed("1234567")
    svc.send(EVENT, change(status="Exempt", source="trs"))
    svc.consume()
    assert trs_standin.received(trn="1234567") == []
    assert sync_log(svc, staff_headers) == [] and manual_handling(svc, staff_headers) == []


def test_an_appeal_decision_is_timed_from_the_day_the_appeal_was_lodged(svc, trs_standin, staff_headers):
    failed_on = date(2026, 9, 20)
    # Over a year after the fail, within a year of lodging the appeal.
    decided_at = datetime.combine(failed_on + timedelta(days=380), T0.timetz())
    for trn, lodged_on in (("1000001", failed_on + timedelta(days=25)), ("1000002", None)):
        trs_standin.seed(trn)
        svc.send(EVENT, change(trn, "InProgress", start=date(2026, 9, 1), old="RequiredToComplete"), actor=AB)
        svc.send(EVENT, change(trn, "Failed", at=T0 + timedelta(days=19), start=date(2026, 9, 1), completed=failed_on,
                               old="InProgress"), actor=AB)
        svc.consume()
        svc.send(EVENT, {**change(trn, "InProgress", at=decided_at, start=date(2026, 9, 1), old="Failed"),
                         "appeal_lodged_on": lodged_on}, actor=STAFF)
        svc.consume()
    assert trs_standin.person("1000001")["induction"]["status"] == "InProgress"
    # An event from before inductions sent the date: timed from the outcome, so outside the window.
    [item] = manual_handling(svc, staff_headers)
    assert (item["trn"], item["error_code"], item["appeal_lodged_on"]) == ("1000002", "outside_window", None)
