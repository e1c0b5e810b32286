"""Tests for the TRS stand-in, through the Flask test client."""

from __future__ import annotations

import time

import pytest

from trs_standin.app import create_app
from trs_standin.faults import RateLimiter
from trs_standin.settings import Settings
from trs_standin.shapes import PROHIBITION_CATEGORY_ID

KEY = "test-key"
RO_KEY = "read-only-key"
VERSION = "20250203"
TRN = "1234567"
DOB = "1990-05-17"


def headers(key=KEY, version=VERSION):
    h = {}
    if key is not None:
        h["Authorization"] = f"Bearer {key}"
    if version is not None:
        h["X-Api-Version"] = version
    return h


@pytest.fixture
def app():
    return create_app({"api_keys": [KEY], "readonly_keys": [RO_KEY],
                       "supported_versions": ["20250203", "20250627"]})


@pytest.fixture
def client(app):
    c = app.test_client()
    seed(c, trn=TRN, firstName="Ada", lastName="Lovelace", dateOfBirth=DOB,
         qtsDate="2023-07-01", inductionStatus="RequiredToComplete")
    return c


def seed(c, **person):
    resp = c.post("/_test/persons", json=person)
    assert resp.status_code == 200, resp.get_json()
    return resp


def get_person(c, trn=TRN, query="include=Induction", **kw):
    return c.get(f"/v3/persons/{trn}?{query}", headers=headers(**kw))


def put(c, body, trn=TRN, **kw):
    return c.put(f"/v3/persons/{trn}/cpd-induction", json=body, headers=headers(**kw))


def stored(c, trn=TRN):
    return c.get(f"/_test/persons/{trn}").get_json()


def in_progress(modified="2025-03-01T10:00:00Z", start="2024-09-01"):
    return {"status": "InProgress", "startDate": start, "modifiedOn": modified}


# --- auth and versions ---------------------------------------------------------------

def test_missing_and_unknown_key_are_401(client):
    for resp in (get_person(client, key=None), get_person(client, key="nope")):
        assert resp.status_code == 401
        assert resp.mimetype == "application/problem+json"
        assert resp.get_json()["status"] == 401


def test_read_only_key_reads_but_gets_403_on_put(client):
    assert get_person(client, key=RO_KEY).status_code == 200
    resp = put(client, in_progress(), key=RO_KEY)
    assert resp.status_code == 403
    assert resp.mimetype == "application/problem+json"
    assert stored(client)["induction"]["status"] == "RequiredToComplete"


@pytest.mark.parametrize("version", [None, "", "20200101", "Next"])
def test_missing_or_unknown_version_is_bare_404(client, version):
    resp = get_person(client, version=version)
    assert resp.status_code == 404
    assert resp.data == b""


def test_other_supported_version_is_accepted(client):
    assert get_person(client, version="20250627").status_code == 200


def test_settings_from_env():
    s = Settings.from_env({"TRS_API_KEYS": "a, b", "TRS_READONLY_KEYS": "r",
                           "TRS_RATE_LIMIT_PER_MINUTE": "5", "TRS_TEST_HOOKS": "0"})
    assert s.api_keys == ("a", "b") and s.readonly_keys == ("r",)
    assert s.rate_limit_per_minute == 5 and s.test_hooks is False
    assert "20250203" in Settings.from_env({}).supported_versions
    assert Settings.from_env({}).api_keys == ("dev-trs-key",)


def test_hooks_can_be_disabled():
    c = create_app({"test_hooks": False}).test_client()
    assert c.post("/_test/reset").status_code == 404


# --- GET /v3/persons/{trn} -----------------------------------------------------------

def test_get_found_with_induction(client):
    resp = get_person(client, query=f"include=Induction&dateOfBirth={DOB}")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "trn": TRN, "firstName": "Ada", "middleName": "", "lastName": "Lovelace",
        "dateOfBirth": DOB, "qts": {"holdsFrom": "2023-07-01"},
        "induction": {"status": "RequiredToComplete", "startDate": None, "completedDate": None},
        "alerts": [],
    }


def test_get_without_include_has_no_induction_and_no_qts_is_null(client):
    seed(client, trn="7654321", firstName="B", lastName="C", dateOfBirth=DOB, qtsDate=None)
    body = get_person(client, trn="7654321", query="").get_json()
    assert "induction" not in body
    assert body["qts"] is None


def test_get_unknown_trn_and_dob_mismatch_are_404_10001(client):
    for resp in (get_person(client, trn="9999999"),
                 get_person(client, query="include=Induction&dateOfBirth=1990-05-18")):
        assert resp.status_code == 404
        assert resp.mimetype == "application/problem+json"
        assert resp.get_json()["errorCode"] == 10001


def test_get_prohibited_person_has_prohibition_alert(client):
    seed(client, trn="2222222", firstName="P", lastName="Q", dateOfBirth=DOB,
         qtsDate="2020-01-01", prohibited=True)
    alerts = get_person(client, trn="2222222").get_json()["alerts"]
    assert len(alerts) == 1
    category = alerts[0]["alertType"]["alertCategory"]
    assert category == {"alertCategoryId": PROHIBITION_CATEGORY_ID, "name": "Prohibition from teaching"}
    assert alerts[0]["endDate"] is None


def test_get_deactivated_is_410(client):
    seed(client, trn="3333333", firstName="D", lastName="E", dateOfBirth=DOB,
         qtsDate="2020-01-01", deactivated=True)
    resp = get_person(client, trn="3333333")
    assert resp.status_code == 410
    assert resp.mimetype == "application/problem+json"


def test_get_merged_is_308_to_new_trn_keeping_query(client):
    seed(client, trn="4444444", mergedInto=TRN)
    query = f"include=Induction&dateOfBirth={DOB}"
    resp = get_person(client, trn="4444444", query=query)
    assert resp.status_code == 308
    assert resp.headers["Location"] == f"/v3/persons/{TRN}?{query}"
    assert get_person(client, query=query).status_code == 200


def test_bad_date_of_birth_is_400(client):
    assert get_person(client, query="dateOfBirth=17/05/1990").status_code == 400


# --- POST /v3/persons/find -----------------------------------------------------------

def test_find_returns_only_matches(client):
    seed(client, trn="5555555", firstName="F", lastName="G", dateOfBirth="1980-01-01",
         qtsDate=None, deactivated=True)
    resp = client.post("/v3/persons/find", headers=headers(), json={"persons": [
        {"trn": TRN, "dateOfBirth": DOB},
        {"trn": TRN, "dateOfBirth": "2000-01-01"},
        {"trn": "9999999", "dateOfBirth": DOB},
        {"trn": "5555555", "dateOfBirth": "1980-01-01"},
    ]})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] == 1
    [result] = body["results"]
    assert result["trn"] == TRN
    assert result["induction"]["status"] == "RequiredToComplete"
    assert result["inductionStatus"] == "RequiredToComplete"


def test_find_max_500(client):
    persons = [{"trn": f"{i:07d}", "dateOfBirth": DOB} for i in range(500)]
    ok = client.post("/v3/persons/find", headers=headers(), json={"persons": persons})
    assert ok.status_code == 200
    too_many = client.post("/v3/persons/find", headers=headers(),
                           json={"persons": persons + [{"trn": "0000500", "dateOfBirth": DOB}]})
    assert too_many.status_code == 400
    assert too_many.mimetype == "application/problem+json"


# --- PUT /v3/persons/{trn}/cpd-induction ----------------------------------------------

def test_put_in_progress_is_204_and_stored(client):
    resp = put(client, in_progress())
    assert resp.status_code == 204
    assert resp.data == b""
    record = stored(client)
    assert record["induction"] == {"status": "InProgress", "startDate": "2024-09-01", "completedDate": None}
    assert record["cpdModifiedOn"].startswith("2025-03-01T10:00:00")
    assert record["managedByCpd"] is True
    assert get_person(client).get_json()["induction"]["status"] == "InProgress"


@pytest.mark.parametrize("body, code", [
    # 1. status
    ({"status": "Exempt"}, 10035),
    ({"status": "None"}, 10035),
    ({"status": "Bogus"}, 10035),
    ({}, 10035),
    # 2. startDate
    ({"status": "InProgress"}, 10036),
    ({"status": "Passed", "completedDate": "2025-01-01"}, 10036),
    ({"status": "RequiredToComplete", "startDate": "2024-09-01"}, 10038),
    # 3. completedDate
    ({"status": "Failed", "startDate": "2024-09-01"}, 10037),
    ({"status": "InProgress", "startDate": "2024-09-01", "completedDate": "2025-01-01"}, 10039),
    ({"status": "RequiredToComplete", "completedDate": "2025-01-01"}, 10039),
])
def test_put_body_checks(client, body, code):
    resp = put(client, {**body, "modifiedOn": "2025-03-01T10:00:00Z"})
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    problem = resp.get_json()
    assert problem["errorCode"] == code
    assert set(problem) >= {"title", "status", "detail", "errorCode"}


def test_put_unknown_and_inactive_trn_is_404(client):
    seed(client, trn="3333333", firstName="D", lastName="E", dateOfBirth=DOB,
         qtsDate="2020-01-01", deactivated=True)
    seed(client, trn="4444444", mergedInto=TRN)
    for trn in ("9999999", "3333333", "4444444"):
        resp = put(client, in_progress(), trn=trn)
        assert (resp.status_code, resp.get_json()["errorCode"]) == (404, 10001)


def test_put_no_qts_is_400_10034(client):
    seed(client, trn="7654321", firstName="B", lastName="C", dateOfBirth=DOB, qtsDate=None)
    resp = put(client, in_progress(), trn="7654321")
    assert (resp.status_code, resp.get_json()["errorCode"]) == (400, 10034)


def test_put_checks_run_in_order(client):
    seed(client, trn="7654321", firstName="B", lastName="C", dateOfBirth=DOB, qtsDate=None)
    # breaks 1 and 2 -> 1
    assert put(client, {"status": "Exempt", "startDate": None, "modifiedOn": "2025-01-01T00:00:00Z"}
               ).get_json()["errorCode"] == 10035
    # breaks 2 and 3 -> 2
    assert put(client, {"status": "Passed", "modifiedOn": "2025-01-01T00:00:00Z"}
               ).get_json()["errorCode"] == 10036
    # breaks 2 and 4 -> 2
    resp = put(client, {"status": "InProgress", "modifiedOn": "2025-01-01T00:00:00Z"}, trn="9999999")
    assert (resp.status_code, resp.get_json()["errorCode"]) == (400, 10036)
    # breaks 3 and 4 -> 3
    resp = put(client, {"status": "Passed", "startDate": "2024-09-01",
                        "modifiedOn": "2025-01-01T00:00:00Z"}, trn="9999999")
    assert resp.get_json()["errorCode"] == 10037
    # breaks 4 and (would-be) 5 -> 4 ; 5 before 6
    assert put(client, in_progress(), trn="9999999").get_json()["errorCode"] == 10001
    assert put(client, in_progress("2025-03-01T10:00:00Z"), trn="7654321").status_code == 400
    client.post("/_test/persons", json={"trn": "7654321", "firstName": "B", "lastName": "C",
                                        "dateOfBirth": DOB, "qtsDate": None,
                                        "cpdModifiedOn": "2025-06-01T00:00:00Z"})
    assert put(client, in_progress("2025-01-01T00:00:00Z"), trn="7654321").get_json()["errorCode"] == 10034


def test_stale_409_equal_accepted_later_accepted(client):
    assert put(client, in_progress("2025-03-01T10:00:00Z")).status_code == 204
    stale = put(client, {"status": "Passed", "startDate": "2024-09-01", "completedDate": "2026-07-01",
                         "modifiedOn": "2025-03-01T09:59:59.999Z"})
    assert stale.status_code == 409
    assert stale.get_json()["errorCode"] == 10033
    assert stale.get_json()["title"] == "Request is stale"
    assert stored(client)["induction"]["status"] == "InProgress"
    # same instant, other offset: equal, accepted
    equal = put(client, {"status": "Passed", "startDate": "2024-09-01", "completedDate": "2026-07-01",
                         "modifiedOn": "2025-03-01T11:00:00+01:00"})
    assert equal.status_code == 204
    assert stored(client)["induction"]["status"] == "Passed"
    assert put(client, in_progress("2025-03-02T00:00:00Z")).status_code == 204
    assert stored(client)["induction"]["status"] == "InProgress"


def test_identical_repeat_changes_nothing(client):
    assert put(client, in_progress("2025-03-01T10:00:00Z")).status_code == 204
    before = stored(client)
    assert put(client, in_progress("2025-04-01T10:00:00Z")).status_code == 204
    after = stored(client)
    assert after == before  # neither status, dates, cpdModifiedOn nor updatedOn moved


def test_trs_does_not_check_transitions(client):
    assert put(client, {"status": "Failed", "startDate": "2024-09-01", "completedDate": "2026-07-01",
                        "modifiedOn": "2025-03-01T10:00:00Z"}).status_code == 204
    assert put(client, {"status": "RequiredToComplete", "modifiedOn": "2025-03-02T10:00:00Z"}).status_code == 204
    assert stored(client)["induction"] == {"status": "RequiredToComplete", "startDate": None,
                                           "completedDate": None}


def test_exempt_stays_exempt_for_in_progress_and_required_to_complete(client):
    seed(client, trn=TRN, firstName="Ada", lastName="Lovelace", dateOfBirth=DOB,
         qtsDate="2023-07-01", inductionStatus="Exempt")
    assert put(client, in_progress("2025-03-01T10:00:00Z")).status_code == 204
    record = stored(client)
    assert record["induction"]["status"] == "Exempt"
    assert record["cpdInduction"]["status"] == "InProgress"
    assert record["managedByCpd"] is True
    assert put(client, {"status": "RequiredToComplete", "modifiedOn": "2025-03-02T10:00:00Z"}).status_code == 204
    assert stored(client)["induction"]["status"] == "Exempt"
    assert put(client, {"status": "Passed", "startDate": "2024-09-01", "completedDate": "2026-07-01",
                        "modifiedOn": "2025-03-03T10:00:00Z"}).status_code == 204
    assert stored(client)["induction"]["status"] == "Passed"


@pytest.mark.parametrize("data, content_type", [
    (b"{not json", "application/json"),
    (b'{"status": "InProgress", "startDate": "2024-09-01"}', "application/json"),
    (b'{"status": "InProgress", "startDate": "2024-09-01", "modifiedOn": "yesterday"}', "application/json"),
    (b'{"status": "InProgress", "startDate": "01/09/2024", "modifiedOn": "2025-03-01T10:00:00Z"}',
     "application/json"),
    (b"[]", "application/json"),
])
def test_malformed_put_is_400_problem(client, data, content_type):
    resp = client.put(f"/v3/persons/{TRN}/cpd-induction", data=data, content_type=content_type,
                      headers=headers())
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["errorCode"] is None


# --- faults, rate limit --------------------------------------------------------------

def test_fault_429_with_retry_after_then_exhausted(client):
    resp = client.post("/_test/faults", json={"mode": "429", "count": 2, "seconds": 7, "paths": "put"})
    assert resp.get_json() == {"faults": [{"mode": "429", "remaining": 2, "seconds": 7, "paths": ["put"]}]}
    assert get_person(client).status_code == 200  # GETs not affected
    for _ in range(2):
        r = put(client, in_progress())
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "7"
    assert stored(client)["induction"]["status"] == "RequiredToComplete"
    assert put(client, in_progress()).status_code == 204
    assert client.get("/_test/faults").get_json() == {"faults": []}


def test_fault_500_and_none_clears(client):
    client.post("/_test/faults", json={"mode": "500"})
    assert get_person(client).status_code == 500
    assert client.post("/v3/persons/find", headers=headers(), json={"persons": []}).status_code == 500
    client.post("/_test/faults", json={"mode": "none"})
    assert get_person(client).status_code == 200


def test_fault_queue_and_slow(client):
    client.post("/_test/faults", json={"faults": [
        {"mode": "500", "count": 1, "paths": ["get"]},
        {"mode": "slow", "count": 1, "seconds": 0.05, "paths": "all"},
    ]})
    assert get_person(client).status_code == 500
    started = time.monotonic()
    assert get_person(client).status_code == 200
    assert time.monotonic() - started >= 0.05
    assert get_person(client).status_code == 200


def test_fault_timeout_does_not_process(client):
    client.post("/_test/faults", json={"mode": "timeout", "count": 1, "seconds": 0.01, "paths": "put"})
    assert put(client, in_progress()).status_code == 504
    assert stored(client)["cpdModifiedOn"] is None


def test_bad_fault_spec_is_400(client):
    assert client.post("/_test/faults", json={"mode": "418"}).status_code == 400
    assert client.post("/_test/faults", json={"mode": "429", "paths": "delete"}).status_code == 400


def test_rate_limit():
    clock = [0.0]
    app = create_app({"api_keys": [KEY], "rate_limit_per_minute": 2})
    app.extensions["trs_standin"].rate_limiter = RateLimiter(2, clock=lambda: clock[0])
    c = app.test_client()
    seed(c, trn=TRN, firstName="A", lastName="B", dateOfBirth=DOB, qtsDate="2023-07-01")
    assert get_person(c).status_code == 200
    clock[0] = 15
    assert get_person(c).status_code == 200
    resp = get_person(c)
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "45"
    clock[0] = 61
    assert get_person(c).status_code == 200


# --- other hooks ---------------------------------------------------------------------

def test_console_edit_does_not_touch_cpd_modified_on(client):
    assert put(client, in_progress("2025-03-01T10:00:00Z")).status_code == 204
    resp = client.post("/_test/console-edit", json={"trn": TRN, "status": "Exempt"})
    assert resp.status_code == 200
    record = stored(client)
    assert record["induction"]["status"] == "Exempt"
    assert record["cpdModifiedOn"].startswith("2025-03-01T10:00:00")
    assert get_person(client).get_json()["induction"]["status"] == "Exempt"
    # a later CPD write is still judged against CPD's own modifiedOn
    assert put(client, in_progress("2025-02-01T10:00:00Z", start="2024-10-01")).status_code == 409


def test_console_edit_respects_managed_by_cpd_unless_forced(client):
    assert put(client, in_progress()).status_code == 204
    refused = client.post("/_test/console-edit", json={"trn": TRN, "status": "Passed",
                                                       "startDate": "2024-09-01", "completedDate": "2026-07-01"})
    assert refused.status_code == 400
    forced = client.post("/_test/console-edit", json={"trn": TRN, "status": "Passed", "force": True,
                                                      "startDate": "2024-09-01", "completedDate": "2026-07-01"})
    assert forced.status_code == 200
    assert forced.get_json()["induction"]["status"] == "Passed"
    assert client.post("/_test/console-edit", json={"trn": "9999999", "status": "Exempt"}).status_code == 404


def test_request_log_and_reset(client):
    put(client, in_progress())
    put(client, {"status": "Exempt", "modifiedOn": "2025-03-01T10:00:00Z"})
    get_person(client)
    log = client.get("/_test/requests").get_json()["requests"]
    assert [(e["trn"], e["status"], e["errorCode"]) for e in log] == [(TRN, 204, None), (TRN, 400, 10035)]
    assert log[0]["body"] == in_progress()
    assert log[0]["receivedAt"].endswith("Z")
    assert len(client.get("/_test/requests?kind=all").get_json()["requests"]) == 3
    client.post("/_test/faults", json={"mode": "500"})
    assert client.post("/_test/reset").get_json() == {"reset": True}
    assert client.get("/_test/requests?kind=all").get_json() == {"requests": []}
    assert client.get("/_test/faults").get_json() == {"faults": []}
    assert get_person(client).status_code == 404


def test_seed_many_and_validation(client):
    resp = client.post("/_test/persons", json={"persons": [
        {"trn": "1111111", "firstName": "A", "lastName": "B", "dateOfBirth": DOB, "qtsDate": None},
        {"trn": "2222222", "firstName": "C", "lastName": "D", "dateOfBirth": DOB, "qtsDate": "2024-01-01",
         "inductionStatus": "Passed", "inductionStartDate": "2024-01-01", "inductionCompletedDate": "2025-01-01"},
    ]})
    assert resp.get_json() == {"upserted": ["1111111", "2222222"]}
    assert stored(client, "1111111")["induction"]["status"] == "None"
    assert stored(client, "2222222")["induction"]["completedDate"] == "2025-01-01"
    assert client.post("/_test/persons", json={"trn": "12", "firstName": "A", "lastName": "B",
                                               "dateOfBirth": DOB}).status_code == 400
    assert client.post("/_test/persons", json={"trn": "1111111", "firstName": "A", "lastName": "B",
                                               "dateOfBirth": DOB, "inductionStatus": "Pass"}).status_code == 400
