"""The manual-handling queue: staff list, view, retry and close items, and every action is audited."""
from datetime import date

import pytest
from prometheus_client import REGISTRY

from test_delivery import AB, EVENT, change

NO_QTS, UNKNOWN, REFUSED = "1111111", "2222222", "3333333"


@pytest.fixture
def queue(svc, trs_standin, staff_headers):
    """Three items: TRS's 10034 (no QTS), TRS's 10001 (unknown TRN), and a change the edit rules refused."""
    trs_standin.seed(NO_QTS, qtsDate=None)
    trs_standin.seed(REFUSED)
    svc.send(EVENT, change(NO_QTS))
    svc.send(EVENT, change(UNKNOWN))
    svc.send(EVENT, change(REFUSED, status="Failed", old="RequiredToComplete", start=date(2025, 9, 1),
                           completed=date(2026, 7, 1)), actor=AB)
    svc.consume()
    items = svc.client.get("/manual-handling", headers=staff_headers).json
    return {item["trn"]: item for item in items}


def test_the_queue_filters_by_trn_state_and_error_code(svc, queue, staff_headers):
    assert {t: i["error_code"] for t, i in queue.items()} == {NO_QTS: "10034", UNKNOWN: "10001",
                                                             REFUSED: "no_such_change"}
    def ids(query):
        return [i["trn"] for i in svc.client.get(f"/manual-handling?{query}", headers=staff_headers).json]
    assert ids(f"trn={UNKNOWN}") == [UNKNOWN]
    assert ids("error_code=10034") == [NO_QTS]
    assert ids("state=open") == [NO_QTS, UNKNOWN, REFUSED]
    assert ids("state=closed") == []
    assert svc.client.get("/manual-handling?state=lost", headers=staff_headers).status_code == 422


def test_retrying_after_the_cause_is_fixed_delivers_and_resolves(svc, trs_standin, queue, staff_headers):
    assert REGISTRY.get_sample_value("trs_sync_manual_handling_open") == 3
    trs_standin.seed(NO_QTS)  # QTS recorded in TRS meanwhile
    item_id = queue[NO_QTS]["id"]
    response = svc.client.post(f"/manual-handling/{item_id}/retry", headers=staff_headers)
    assert response.status_code == 200, response.json
    assert response.json["attempt"]["outcome"] == "delivered"
    assert response.json["item"]["state"] == "resolved"
    assert trs_standin.person(NO_QTS)["cpdInduction"]["status"] == "RequiredToComplete"
    assert REGISTRY.get_sample_value("trs_sync_manual_handling_open") == 2
    viewed = svc.client.get(f"/manual-handling/{item_id}", headers=staff_headers).json
    [audit] = viewed["audit"]
    assert audit["action"] == "retry" and audit["actor_user_id"] and audit["detail"].startswith("delivered")
    again = svc.client.post(f"/manual-handling/{item_id}/retry", headers=staff_headers)
    assert again.status_code == 409 and again.json["code"] == "item_not_open"


def test_a_retry_the_rules_still_refuse_stays_open_and_never_reaches_trs(svc, trs_standin, queue, staff_headers):
    response = svc.client.post(f"/manual-handling/{queue[REFUSED]['id']}/retry", headers=staff_headers)
    assert response.status_code == 200
    assert (response.json["attempt"]["outcome"], response.json["item"]["state"]) == ("manual", "open")
    assert trs_standin.received(trn=REFUSED) == []


def test_a_retry_while_trs_is_down_is_503_and_changes_nothing(svc, trs_standin, queue, staff_headers):
    trs_standin.seed(NO_QTS)
    trs_standin.fault({"mode": "500", "paths": "put"})
    response = svc.client.post(f"/manual-handling/{queue[NO_QTS]['id']}/retry", headers=staff_headers)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    viewed = svc.client.get(f"/manual-handling/{queue[NO_QTS]['id']}", headers=staff_headers).json
    assert viewed["state"] == "open" and viewed["audit"] == []


def test_closing_needs_a_reason_and_is_audited(svc, queue, staff_headers):
    item_id = queue[UNKNOWN]["id"]
    assert svc.client.post(f"/manual-handling/{item_id}/close", json={}, headers=staff_headers).status_code == 422
    response = svc.client.post(f"/manual-handling/{item_id}/close", json={"reason": "Wrong TRN; school re-registered"},
                               headers=staff_headers)
    assert response.status_code == 200
    assert (response.json["state"], response.json["resolution"]) == ("closed", "Wrong TRN; school re-registered")
    [audit] = svc.client.get(f"/manual-handling/{item_id}", headers=staff_headers).json["audit"]
    assert (audit["action"], audit["detail"]) == ("close", "Wrong TRN; school re-registered")
    assert svc.client.post(f"/manual-handling/{item_id}/close", json={"reason": "again"},
                           headers=staff_headers).status_code == 409


def test_only_staff_who_may_handle_the_queue_act_on_it(svc, queue, token_issuer, user_headers):
    read_only = {"Authorization": f"Bearer {token_issuer.issue(staff_role='read_only')}"}
    item_id = queue[UNKNOWN]["id"]
    assert svc.client.get(f"/manual-handling/{item_id}", headers=read_only).status_code == 200
    assert svc.client.get(f"/manual-handling/{item_id}", headers=user_headers).status_code == 403
    for headers in (read_only, user_headers):
        assert svc.client.post(f"/manual-handling/{item_id}/retry", headers=headers).status_code == 403
        assert svc.client.post(f"/manual-handling/{item_id}/close", json={"reason": "done"},
                               headers=headers).status_code == 403


def test_an_unknown_item_is_404(svc, staff_headers):
    assert svc.client.get("/manual-handling/999999", headers=staff_headers).status_code == 404
